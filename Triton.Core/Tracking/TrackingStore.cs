using System.Data;
using System.Data.Common;
using System.Text;
using Triton.Core.Data;
using Triton.Core.Domain;
using static Triton.Core.Data.StoreExecutor;
using static Triton.Core.Sending.SqlDialect;

namespace Triton.Core.Tracking;

/// <summary>One recorded open or click, as the endpoints saw it.</summary>
public readonly record struct TrackingEvent(TrackingEventKind Kind, TrackingPayload Payload, bool Machine, long At);

/// <summary>A message recorded as sent: what its category and source count.</summary>
public readonly record struct SentMessage(TrackedSource Source, int SourceId, int? CategoryId, string? UserId);

/// <summary>
/// Writes tracking counts with a few multi-row upserts per batch, never a statement per message:
/// sends (inside the result writer's own transaction) and batches of opens and clicks (in one
/// transaction of their own). Both providers take the same SQL.
/// </summary>
public sealed class TrackingStore(StoreExecutor store, TimeProvider time)
{
    // Rows per statement: 12 parameters each stays far below SQLite's and PostgreSQL's limits.
    private const int RowsPerStatement = 500;

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
    public Task WriteAsync(IReadOnlyList<TrackingEvent> events, CancellationToken cancellationToken) =>
        store.InTransactionAsync(async (connection, transaction, ct) =>
        {
            var firsts = await FirstsAsync(connection, transaction, events, ct);
            var days = new Dictionary<(int, int, string), Counts>();
            var sources = new Dictionary<(TrackedSource, int, int), Counts>();
            var links = new Dictionary<(TrackedSource, int, string), long>();
            foreach (var e in events)
            {
                var p = e.Payload;
                var day = SendingDay.DayOf(DateTimeOffset.FromUnixTimeMilliseconds(e.At));
                // Counted unique once: the first event of its message in this batch takes the mark.
                var unique = !e.Machine && firsts.Remove((p.Source, p.Reference, e.Kind));
                var delta = e.Kind == TrackingEventKind.Open
                    ? e.Machine ? new Counts { MachineOpens = 1 } : new Counts { Opens = 1, UniqueOpens = unique ? 1 : 0, LastOpenedAt = e.At }
                    : e.Machine ? new Counts { MachineClicks = 1 } : new Counts { Clicks = 1, UniqueClicks = unique ? 1 : 0 };
                var dayKey = (p.CategoryId, day, p.UserId);
                days[dayKey] = days.GetValueOrDefault(dayKey).Plus(delta);
                var sourceKey = (p.Source, p.SourceId, day);
                sources[sourceKey] = sources.GetValueOrDefault(sourceKey).Plus(delta);
                if (e.Kind == TrackingEventKind.Click && !e.Machine && p.Url is { } url)
                    links[(p.Source, p.SourceId, url)] = links.GetValueOrDefault((p.Source, p.SourceId, url)) + 1;
            }
            await UpsertDaysAsync(connection, transaction, days, ct);
            await UpsertSourceDaysAsync(connection, transaction, sources, ct);
            await UpsertLinksAsync(connection, transaction, links, ct);
        }, cancellationToken);

    /// <summary>Marks the first open and click of each message; answers which of this batch's were first.</summary>
    private static async Task<HashSet<(TrackedSource, long, TrackingEventKind)>> FirstsAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<TrackingEvent> events, CancellationToken cancellationToken)
    {
        var first = new HashSet<(TrackedSource, long, TrackingEventKind)>();
        var wanted = new Dictionary<(TrackedSource, long, TrackingEventKind), long>();
        foreach (var e in events)
            if (!e.Machine) wanted.TryAdd((e.Payload.Source, e.Payload.Reference, e.Kind), e.At);
        foreach (var chunk in wanted.Chunk(RowsPerStatement))
        {
            await using var command = Command(connection, transaction, "");
            var sql = new StringBuilder("INSERT INTO tracking_firsts (source_kind, reference, kind, at) VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                var ((source, reference, kind), at) = chunk[i];
                sql.Append(i == 0 ? "" : ",").Append($"(@s{i},@r{i},@k{i},@a{i})");
                Typed(command, "@s" + i, (int)source, DbType.Int32);
                Typed(command, "@r" + i, reference, DbType.Int64);
                Typed(command, "@k" + i, (int)kind, DbType.Int32);
                Typed(command, "@a" + i, at, DbType.Int64);
            }
            sql.Append(" ON CONFLICT (source_kind, reference, kind) DO NOTHING RETURNING source_kind, reference, kind");
            command.CommandText = sql.ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                first.Add(((TrackedSource)reader.GetInt32(0), reader.GetInt64(1), (TrackingEventKind)reader.GetInt32(2)));
        }
        return first;
    }

    private const string CountColumns = "sent, opens, unique_opens, machine_opens, clicks, unique_clicks, machine_clicks";

    private static string CountUpdates(string table) => string.Join(", ",
        CountColumns.Split(", ").Select(c => $"{c} = {table}.{c} + excluded.{c}"));

    private static string Latest(string table, string column) =>
        $"{column} = CASE WHEN excluded.{column} IS NULL THEN {table}.{column} WHEN {table}.{column} IS NULL OR excluded.{column} > {table}.{column} THEN excluded.{column} ELSE {table}.{column} END";

    private static async Task UpsertDaysAsync(DbConnection connection, DbTransaction transaction,
        Dictionary<(int Category, int Day, string User), Counts> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var command = Command(connection, transaction, "");
            var sql = new StringBuilder($"INSERT INTO tracking_days (category_id, day, user_id, {CountColumns}, last_sent_at, last_opened_at) VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                var ((category, day, user), counts) = chunk[i];
                sql.Append(i == 0 ? "" : ",").Append($"(@c{i},@d{i},@u{i},");
                Typed(command, "@c" + i, category, DbType.Int32);
                Typed(command, "@d" + i, day, DbType.Int32);
                Typed(command, "@u" + i, user, DbType.String);
                counts.AppendValues(command, sql, i, withTimes: true);
            }
            sql.Append(" ON CONFLICT (category_id, day, user_id) DO UPDATE SET ").Append(CountUpdates("tracking_days"))
                .Append(", ").Append(Latest("tracking_days", "last_sent_at")).Append(", ").Append(Latest("tracking_days", "last_opened_at"));
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task UpsertSourceDaysAsync(DbConnection connection, DbTransaction transaction,
        Dictionary<(TrackedSource Source, int Id, int Day), Counts> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var command = Command(connection, transaction, "");
            var sql = new StringBuilder($"INSERT INTO tracked_source_days (source_kind, source_id, day, {CountColumns}) VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                var ((source, id, day), counts) = chunk[i];
                sql.Append(i == 0 ? "" : ",").Append($"(@s{i},@i{i},@d{i},");
                Typed(command, "@s" + i, (int)source, DbType.Int32);
                Typed(command, "@i" + i, id, DbType.Int32);
                Typed(command, "@d" + i, day, DbType.Int32);
                counts.AppendValues(command, sql, i, withTimes: false);
            }
            sql.Append(" ON CONFLICT (source_kind, source_id, day) DO UPDATE SET ").Append(CountUpdates("tracked_source_days"));
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task UpsertLinksAsync(DbConnection connection, DbTransaction transaction,
        Dictionary<(TrackedSource Source, int Id, string Url), long> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var command = Command(connection, transaction, "");
            var sql = new StringBuilder("INSERT INTO tracked_links (source_kind, source_id, url, clicks) VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                var ((source, id, url), clicks) = chunk[i];
                sql.Append(i == 0 ? "" : ",").Append($"(@s{i},@i{i},@u{i},@n{i})");
                Typed(command, "@s" + i, (int)source, DbType.Int32);
                Typed(command, "@i" + i, id, DbType.Int32);
                Typed(command, "@u" + i, url, DbType.String);
                Typed(command, "@n" + i, clicks, DbType.Int64);
            }
            sql.Append(" ON CONFLICT (source_kind, source_id, url) DO UPDATE SET clicks = tracked_links.clicks + excluded.clicks");
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Typed on creation, so PostgreSQL knows each column of a multi-row VALUES even when a value is null.</summary>
    internal static void Typed(DbCommand command, string name, object? value, DbType type) =>
        AddParameter(command, name, value).DbType = type;

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

        public void AppendValues(DbCommand command, StringBuilder sql, int row, bool withTimes)
        {
            long[] values = [Sent, Opens, UniqueOpens, MachineOpens, Clicks, UniqueClicks, MachineClicks];
            for (var v = 0; v < values.Length; v++)
            {
                sql.Append(v == 0 ? "" : ",").Append($"@v{row}_{v}");
                Typed(command, $"@v{row}_{v}", values[v], DbType.Int64);
            }
            if (withTimes)
            {
                sql.Append($",@ls{row},@lo{row}");
                Typed(command, "@ls" + row, LastSentAt, DbType.Int64);
                Typed(command, "@lo" + row, LastOpenedAt, DbType.Int64);
            }
            sql.Append(')');
        }
    }
}
