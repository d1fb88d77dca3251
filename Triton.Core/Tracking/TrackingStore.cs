using System.Data;
using System.Data.Common;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Tracking;

/// <summary>One recorded open or click, as the endpoints saw it.</summary>
public readonly record struct TrackingEvent(TrackingEventKind Kind, TrackingPayload Payload, bool Machine, long At);

/// <summary>A message recorded as sent: what its category and source count.</summary>
public readonly record struct SentMessage(TrackedSource Source, int SourceId, int? CategoryId, string? UserId);

/// <summary>
/// Writes tracking counts: sends (inside the result writer's own transaction) and batches of opens and
/// clicks (in one transaction of their own). A batch is summed in memory first, so each row changes once
/// per batch (one per user and day, one per campaign and day, one per first open), through prepared
/// single-row upserts (<see cref="RowStatement"/>). Both providers take the same SQL.
/// </summary>
public sealed class TrackingStore(StoreExecutor store, TimeProvider time)
{
    /// <summary>Counts these sends, in the caller's transaction (the result writer's batch).</summary>
    public async Task AddSentAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<SentMessage> sent, CancellationToken cancellationToken)
    {
        if (sent.Count == 0) return;
        var now = time.GetUtcNow();
        var day = SendingDay.DayOf(now);
        var at = now.ToUnixTimeMilliseconds();
        var days = new Dictionary<(int, int, string), Counts>();
        var sources = new Dictionary<(TrackedSource, int, int), Counts>();
        foreach (var message in sent)
        {
            var source = (message.Source, message.SourceId, day);
            sources[source] = sources.GetValueOrDefault(source).Add(sent: 1);
            if (message.CategoryId is not { } category) continue;
            var key = (category, day, message.UserId ?? "");
            days[key] = days.GetValueOrDefault(key).Add(sent: 1) with { LastSentAt = at };
        }
        await UpsertDaysAsync(connection, transaction, days, cancellationToken);
        await UpsertSourceDaysAsync(connection, transaction, sources, cancellationToken);
    }

    /// <summary>Records a batch of opens and clicks in one transaction; the first open (click) of a message is its unique one.</summary>
    public Task WriteAsync(IReadOnlyList<TrackingEvent> events, CancellationToken cancellationToken)
    {
        // Summed before taking the writer's turn: inside it, only the rows change.
        var days = new Dictionary<(int, int, string), Counts>();
        var sources = new Dictionary<(TrackedSource, int, int), Counts>();
        var links = new Dictionary<(TrackedSource, int, string), long>();
        var candidates = new Dictionary<(TrackedSource, long, TrackingEventKind), FirstCandidate>();
        foreach (var e in events)
        {
            var p = e.Payload;
            var day = SendingDay.DayOf(DateTimeOffset.FromUnixTimeMilliseconds(e.At));
            var delta = e.Kind == TrackingEventKind.Open
                ? e.Machine ? new Counts { MachineOpens = 1 } : new Counts { Opens = 1, LastOpenedAt = e.At }
                : e.Machine ? new Counts { MachineClicks = 1 } : new Counts { Clicks = 1 };
            var dayKey = (p.CategoryId, day, p.UserId);
            days[dayKey] = days.GetValueOrDefault(dayKey).Plus(delta);
            var sourceKey = (p.Source, p.SourceId, day);
            sources[sourceKey] = sources.GetValueOrDefault(sourceKey).Plus(delta);
            if (e.Kind == TrackingEventKind.Click && !e.Machine && p.Url is { } url)
                links[(p.Source, p.SourceId, url)] = links.GetValueOrDefault((p.Source, p.SourceId, url)) + 1;
            // A machine's fetch never makes a message's open (click) unique; a person's first one in the batch may.
            if (!e.Machine) candidates.TryAdd((p.Source, p.Reference, e.Kind), new FirstCandidate(e.At, dayKey, sourceKey));
        }
        var firsts = candidates.ToList();
        return store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            var inserted = await FirstRow.RunAsync(connection, transaction, firsts, static (row, v) =>
            {
                v[0] = (int)row.Key.Item1;
                v[1] = row.Key.Item2;
                v[2] = (int)row.Key.Item3;
                v[3] = row.Value.At;
            }, ct);
            // Copies: a retried transaction starts again from the batch's sums.
            var uniqueDays = new Dictionary<(int, int, string), Counts>(days);
            var uniqueSources = new Dictionary<(TrackedSource, int, int), Counts>(sources);
            for (var i = 0; i < firsts.Count; i++)
            {
                if (inserted[i] == 0) continue;
                var ((_, _, kind), candidate) = firsts[i];
                var unique = kind == TrackingEventKind.Open ? new Counts { UniqueOpens = 1 } : new Counts { UniqueClicks = 1 };
                uniqueDays[candidate.Day] = uniqueDays[candidate.Day].Plus(unique);
                uniqueSources[candidate.Source] = uniqueSources[candidate.Source].Plus(unique);
            }
            await UpsertDaysAsync(connection, transaction, uniqueDays, ct);
            await UpsertSourceDaysAsync(connection, transaction, uniqueSources, ct);
            await UpsertLinksAsync(connection, transaction, links, ct);
        }, cancellationToken);
    }

    /// <summary>A person's first open (click) of a message in a batch, and the rows its unique count goes to if it is the message's first ever.</summary>
    private readonly record struct FirstCandidate(long At, (int, int, string) Day, (TrackedSource, int, int) Source);

    private const string CountColumns = "sent, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks";
    private const string CountValues = "@v0, @v1, @v2, @v3, @v4, @v5, @v6";

    private static readonly (string, DbType)[] CountParameters =
        [("@v0", DbType.Int64), ("@v1", DbType.Int64), ("@v2", DbType.Int64), ("@v3", DbType.Int64), ("@v4", DbType.Int64), ("@v5", DbType.Int64), ("@v6", DbType.Int64)];

    private static string CountUpdates(string table) => string.Join(", ",
        CountColumns.Split(", ").Select(c => $"{c} = {table}.{c} + excluded.{c}"));

    private static string Latest(string table, string column) =>
        $"{column} = CASE WHEN excluded.{column} IS NULL THEN {table}.{column} WHEN {table}.{column} IS NULL OR excluded.{column} > {table}.{column} THEN excluded.{column} ELSE {table}.{column} END";

    private static readonly RowStatement FirstRow = new(
        "INSERT INTO tracking_firsts (source_kind, reference, kind, at) VALUES (@s, @r, @k, @a) ON CONFLICT (source_kind, reference, kind) DO NOTHING",
        ("@s", DbType.Int32), ("@r", DbType.Int64), ("@k", DbType.Int32), ("@a", DbType.Int64));

    private static readonly RowStatement DayRow = new(
        $"INSERT INTO tracking_days (category_id, day, user_id, {CountColumns}, last_sent_at, last_opened_at) VALUES (@c, @d, @u, {CountValues}, @ls, @lo)"
        + $" ON CONFLICT (category_id, day, user_id) DO UPDATE SET {CountUpdates("tracking_days")}, {Latest("tracking_days", "last_sent_at")}, {Latest("tracking_days", "last_opened_at")}",
        [("@c", DbType.Int32), ("@d", DbType.Int32), ("@u", DbType.String), .. CountParameters, ("@ls", DbType.Int64), ("@lo", DbType.Int64)]);

    private static readonly RowStatement SourceDayRow = new(
        $"INSERT INTO tracked_source_days (source_kind, source_id, day, {CountColumns}) VALUES (@s, @i, @d, {CountValues})"
        + $" ON CONFLICT (source_kind, source_id, day) DO UPDATE SET {CountUpdates("tracked_source_days")}",
        [("@s", DbType.Int32), ("@i", DbType.Int32), ("@d", DbType.Int32), .. CountParameters]);

    private static readonly RowStatement LinkRow = new(
        "INSERT INTO tracked_links (source_kind, source_id, url, clicks) VALUES (@s, @i, @u, @n)"
        + " ON CONFLICT (source_kind, source_id, url) DO UPDATE SET clicks = tracked_links.clicks + excluded.clicks",
        ("@s", DbType.Int32), ("@i", DbType.Int32), ("@u", DbType.String), ("@n", DbType.Int64));

    private static Task UpsertDaysAsync(DbConnection connection, DbTransaction transaction,
        Dictionary<(int Category, int Day, string User), Counts> rows, CancellationToken cancellationToken) =>
        DayRow.RunAsync(connection, transaction, rows, static (row, v) =>
        {
            v[0] = row.Key.Category;
            v[1] = row.Key.Day;
            v[2] = row.Key.User;
            row.Value.Fill(v, 3, withTimes: true);
        }, cancellationToken);

    private static Task UpsertSourceDaysAsync(DbConnection connection, DbTransaction transaction,
        Dictionary<(TrackedSource Source, int Id, int Day), Counts> rows, CancellationToken cancellationToken) =>
        SourceDayRow.RunAsync(connection, transaction, rows, static (row, v) =>
        {
            v[0] = (int)row.Key.Source;
            v[1] = row.Key.Id;
            v[2] = row.Key.Day;
            row.Value.Fill(v, 3, withTimes: false);
        }, cancellationToken);

    private static Task UpsertLinksAsync(DbConnection connection, DbTransaction transaction,
        Dictionary<(TrackedSource Source, int Id, string Url), long> rows, CancellationToken cancellationToken) =>
        LinkRow.RunAsync(connection, transaction, rows, static (row, v) =>
        {
            v[0] = (int)row.Key.Source;
            v[1] = row.Key.Id;
            v[2] = row.Key.Url;
            v[3] = row.Value;
        }, cancellationToken);

    /// <summary>How much one batch moves one row.</summary>
    private readonly record struct Counts
    {
        public long Sent { get; init; }
        public long Opens { get; init; }
        public long UniqueOpens { get; init; }
        public long MachineOpens { get; init; }
        public long Clicks { get; init; }
        public long UniqueClicks { get; init; }
        public long MachineClicks { get; init; }
        public long? LastSentAt { get; init; }
        public long? LastOpenedAt { get; init; }

        public Counts Add(long sent) => this with { Sent = Sent + sent };

        public Counts Plus(Counts o) => new()
        {
            Sent = Sent + o.Sent, Opens = Opens + o.Opens, UniqueOpens = UniqueOpens + o.UniqueOpens, MachineOpens = MachineOpens + o.MachineOpens,
            Clicks = Clicks + o.Clicks, UniqueClicks = UniqueClicks + o.UniqueClicks, MachineClicks = MachineClicks + o.MachineClicks,
            LastSentAt = Max(LastSentAt, o.LastSentAt), LastOpenedAt = Max(LastOpenedAt, o.LastOpenedAt),
        };

        private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

        /// <summary>Puts the counts (and, for a user's day, the times) into a row's values from <paramref name="at"/>.</summary>
        public void Fill(object?[] values, int at, bool withTimes)
        {
            values[at] = Sent;
            values[at + 1] = Opens;
            values[at + 2] = UniqueOpens;
            values[at + 3] = MachineOpens;
            values[at + 4] = Clicks;
            values[at + 5] = UniqueClicks;
            values[at + 6] = MachineClicks;
            if (!withTimes) return;
            values[at + 7] = LastSentAt;
            values[at + 8] = LastOpenedAt;
        }
    }
}
