using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Tracking;

/// <summary>Sends, opens and clicks over some rows: people's and machines' apart.</summary>
public sealed record StatCounts(long Sent, long Opens, long UniqueOpens, long MachineOpens, long Clicks, long UniqueClicks, long MachineClicks)
{
    public static readonly StatCounts Zero = new(0, 0, 0, 0, 0, 0, 0);
}

public sealed record StatDay(DateOnly Day, StatCounts Counts);

public sealed record CategoryTotals(int CategoryId, string Name, StatCounts Counts);

/// <summary>Counts of a category (or all), optionally one user's, per day over a range; last sent and opened over all time.</summary>
public sealed record StatsReport(DateOnly From, DateOnly To, int? CategoryId, string? UserId, StatCounts Totals, IReadOnlyList<StatDay> Days,
    IReadOnlyList<CategoryTotals> Categories, DateTimeOffset? LastSentAt, DateTimeOffset? LastOpenedAt);

public sealed record LinkCount(string Url, long Clicks);

/// <summary>Counts of one campaign or trigger per day, and the links people clicked most.</summary>
public sealed record SourceReport(TrackedSource Source, int SourceId, DateOnly From, DateOnly To, StatCounts Totals, IReadOnlyList<StatDay> Days,
    IReadOnlyList<LinkCount> TopLinks);

/// <summary>Reads the tracking counts for the stats API and pages.</summary>
public sealed class TrackingStats(IDbContextFactory<TritonDbContext> contexts, TimeProvider time)
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366 * 2;
    public const int TopLinks = 10;

    private readonly SharedReads<(TrackedSource Source, int SourceId, DateOnly From, DateOnly To), SourceReport> sources = new(time);

    /// <summary>The range asked for, defaulting to the last <see cref="DefaultDays"/> days; null when it is backwards or too long.</summary>
    public (DateOnly From, DateOnly To)? Range(DateOnly? from, DateOnly? to)
    {
        var end = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var start = from ?? end.AddDays(-(DefaultDays - 1));
        if (start > end || end.DayNumber - start.DayNumber >= MaxDays) return null;
        return (start, end);
    }

    public async Task<StatsReport> CategoryAsync(int? categoryId, string? userId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var all = db.TrackingDays.AsNoTracking();
        if (categoryId is { } category) all = all.Where(d => d.CategoryId == category);
        if (userId is not null) all = all.Where(d => d.UserId == userId);
        var (first, last) = (Day(from), Day(to));
        var inRange = all.Where(d => d.Day >= first && d.Day <= last);
        var days = await inRange.GroupBy(d => d.Day).Select(g => new
        {
            g.Key, Sent = g.Sum(x => x.Sent), Opens = g.Sum(x => x.Opens), UniqueOpens = g.Sum(x => x.UniqueOpens), MachineOpens = g.Sum(x => x.MachineOpens),
            Clicks = g.Sum(x => x.Clicks), UniqueClicks = g.Sum(x => x.UniqueClicks), MachineClicks = g.Sum(x => x.MachineClicks),
        }).OrderBy(g => g.Key).ToListAsync(cancellationToken);
        var byCategory = await inRange.GroupBy(d => d.CategoryId).Select(g => new
        {
            g.Key, Sent = g.Sum(x => x.Sent), Opens = g.Sum(x => x.Opens), UniqueOpens = g.Sum(x => x.UniqueOpens), MachineOpens = g.Sum(x => x.MachineOpens),
            Clicks = g.Sum(x => x.Clicks), UniqueClicks = g.Sum(x => x.UniqueClicks), MachineClicks = g.Sum(x => x.MachineClicks),
        }).ToListAsync(cancellationToken);
        var ids = byCategory.Select(c => c.Key).ToList();
        var names = await db.TrackingCategories.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var lastSent = await all.MaxAsync(d => d.LastSentAt, cancellationToken);
        var lastOpened = await all.MaxAsync(d => d.LastOpenedAt, cancellationToken);

        var dayList = days.Select(d => new StatDay(Date(d.Key),
            new StatCounts(d.Sent, d.Opens, d.UniqueOpens, d.MachineOpens, d.Clicks, d.UniqueClicks, d.MachineClicks))).ToList();
        var categories = byCategory
            .Select(c => new CategoryTotals(c.Key, names.GetValueOrDefault(c.Key) ?? $"#{c.Key} (deleted)",
                new StatCounts(c.Sent, c.Opens, c.UniqueOpens, c.MachineOpens, c.Clicks, c.UniqueClicks, c.MachineClicks)))
            .OrderBy(c => c.Name).ToList();
        return new StatsReport(from, to, categoryId, userId, Sum(dayList), dayList, categories, Time(lastSent), Time(lastOpened));
    }

    public async Task<bool> ExistsAsync(TrackedSource source, int sourceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return source == TrackedSource.Campaign
            ? await db.Campaigns.AnyAsync(c => c.Id == sourceId, cancellationToken)
            : await db.Triggers.AnyAsync(t => t.Id == sourceId, cancellationToken);
    }

    /// <summary>
    /// A campaign's or trigger's report as read at or after <paramref name="notBefore"/>: the open pages of a
    /// campaign that changed state share one read (<see cref="SharedReads{TKey, TValue}"/>); callers do not change it.
    /// </summary>
    public Task<SourceReport> SourceAsync(TrackedSource source, int sourceId, DateOnly from, DateOnly to, DateTimeOffset notBefore,
        CancellationToken cancellationToken) =>
        sources.GetAsync((source, sourceId, from, to), notBefore,
            (key, token) => SourceAsync(key.Source, key.SourceId, key.From, key.To, token), cancellationToken);

    public async Task<SourceReport> SourceAsync(TrackedSource source, int sourceId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (first, last) = (Day(from), Day(to));
        var rows = await db.TrackedSourceDays.AsNoTracking()
            .Where(d => d.SourceKind == source && d.SourceId == sourceId && d.Day >= first && d.Day <= last)
            .OrderBy(d => d.Day).ToListAsync(cancellationToken);
        var links = await db.TrackedLinks.AsNoTracking().Where(l => l.SourceKind == source && l.SourceId == sourceId)
            .OrderByDescending(l => l.Clicks).ThenBy(l => l.Url).Take(TopLinks).ToListAsync(cancellationToken);
        var days = rows.Select(d => new StatDay(Date(d.Day),
            new StatCounts(d.Sent, d.Opens, d.UniqueOpens, d.MachineOpens, d.Clicks, d.UniqueClicks, d.MachineClicks))).ToList();
        return new SourceReport(source, sourceId, from, to, Sum(days), days, links.Select(l => new LinkCount(l.Url, l.Clicks)).ToList());
    }

    private static StatCounts Sum(IEnumerable<StatDay> days) => days.Select(d => d.Counts).Aggregate(StatCounts.Zero, (a, b) => new StatCounts(
        a.Sent + b.Sent, a.Opens + b.Opens, a.UniqueOpens + b.UniqueOpens, a.MachineOpens + b.MachineOpens,
        a.Clicks + b.Clicks, a.UniqueClicks + b.UniqueClicks, a.MachineClicks + b.MachineClicks));

    private static int Day(DateOnly date) => date.Year * 10000 + date.Month * 100 + date.Day;

    private static DateOnly Date(int day) => new(day / 10000, day / 100 % 100, day % 100);

    private static DateTimeOffset? Time(long? unixMilliseconds) =>
        unixMilliseconds is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
