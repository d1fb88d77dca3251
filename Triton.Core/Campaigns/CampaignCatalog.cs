using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Core.Campaigns;

/// <summary>One page of rows and how many match in all.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total);

/// <summary>Something to pick by id and name in filters and editors (a group, template, list or transport).</summary>
public sealed record GroupChoice(int Id, string Name);

/// <summary>The choices of the campaign editor, each by id and name.</summary>
public sealed record CampaignChoices(IReadOnlyList<GroupChoice> Templates, IReadOnlyList<GroupChoice> Lists,
    IReadOnlyList<GroupChoice> Transports, IReadOnlyList<GroupChoice> Groups, IReadOnlyList<GroupChoice> TrackingCategories);

/// <summary>What the dashboard shows.</summary>
public sealed record DashboardView(SendingDay Today, IReadOnlyList<Campaign> Running, IReadOnlyList<Campaign> PausedByTriton);

/// <summary>
/// What the admin pages read about campaigns: filtered, server-paged lists, one campaign, its runs,
/// its deliveries and its failures. Each call opens its own short-lived context, so a long-lived
/// interactive page never holds one. The overloads that take <c>notBefore</c> share one read among the
/// callers that ask at the same moment (every open page of a campaign when it changes state: see
/// <see cref="SharedReads{TKey, TValue}"/>); what they return is shared, and callers do not change it.
/// </summary>
public sealed class CampaignCatalog
{
    public const int MaxPageSize = 500;

    /// <summary>The most delivery records one page holds, for the API and the deliveries grid alike.</summary>
    public const int MaxDeliveriesPageSize = 1000;

    private readonly IDbContextFactory<TritonDbContext> contexts;
    private readonly SharedReads<int, Campaign?> finds;
    private readonly SharedReads<(int CampaignId, int Take), IReadOnlyList<CampaignRun>> runs;
    private readonly SharedReads<(int CampaignId, DeliveryStatus? Status, int Page, int PageSize), PageOf<Delivery>> deliveries;

    public CampaignCatalog(IDbContextFactory<TritonDbContext> contexts, TimeProvider time)
    {
        this.contexts = contexts;
        finds = new(time);
        runs = new(time);
        deliveries = new(time);
    }

    public async Task<PageOf<Campaign>> ListAsync(int? groupId, CampaignState? state, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Campaigns.AsNoTracking().Include(c => c.Group).AsQueryable();
        if (groupId is int group) query = query.Where(c => c.GroupId == group);
        if (state is { } wanted) query = query.Where(c => c.State == wanted);
        var total = await query.LongCountAsync(cancellationToken);
        var rows = await query.OrderByDescending(c => c.Id).TakePage(page, pageSize, MaxPageSize).ToListAsync(cancellationToken);
        return new PageOf<Campaign>(rows, total);
    }

    public async Task<IReadOnlyList<GroupChoice>> GroupsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await GroupNames.ChoicesAsync(db, GroupScope.Campaign, cancellationToken);
    }

    /// <summary>What a campaign can be made of: templates, lists, transports and tracking categories by name, and the campaign groups.</summary>
    public async Task<CampaignChoices> ChoicesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return new CampaignChoices(
            await db.Templates.AsNoTracking().OrderBy(t => t.Name).Select(t => new GroupChoice(t.Id, t.Name)).ToListAsync(cancellationToken),
            await db.Lists.AsNoTracking().OrderBy(l => l.Name).Select(l => new GroupChoice(l.Id, l.Name)).ToListAsync(cancellationToken),
            await db.Transports.AsNoTracking().OrderBy(t => t.Name).Select(t => new GroupChoice(t.Id, t.Name)).ToListAsync(cancellationToken),
            await GroupsAsync(cancellationToken),
            await db.TrackingCategories.AsNoTracking().OrderBy(c => c.Name).Select(c => new GroupChoice(c.Id, c.Name)).ToListAsync(cancellationToken));
    }

    /// <summary>The dashboard's view: today's totals, the running and pending campaigns, and those that paused themselves.</summary>
    public async Task<DashboardView> DashboardAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var running = await db.Campaigns.AsNoTracking()
            .Where(c => c.State == CampaignState.Running || c.State == CampaignState.Pending)
            .OrderBy(c => c.Id).ToListAsync(cancellationToken);
        // A pause with a reason is one the campaign took itself (errors, a transport or a full disk).
        var paused = await db.Campaigns.AsNoTracking()
            .Where(c => c.State == CampaignState.Paused && c.StateReason != null)
            .OrderByDescending(c => c.Id).Take(20).ToListAsync(cancellationToken);
        return new DashboardView(await TodayAsync(now, cancellationToken), running, paused);
    }

    /// <summary>Today's (UTC) totals over every campaign.</summary>
    public async Task<SendingDay> TodayAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var day = SendingDay.DayOf(now);
        return await db.SendingDays.AsNoTracking().FirstOrDefaultAsync(d => d.Day == day, cancellationToken) ?? new SendingDay { Day = day };
    }

    public async Task<Campaign?> FindAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Campaigns.AsNoTracking().Include(c => c.Group).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>The campaign as read at or after <paramref name="notBefore"/>, one read for all who ask for the same moment.</summary>
    public Task<Campaign?> FindAsync(int id, DateTimeOffset notBefore, CancellationToken cancellationToken) =>
        finds.GetAsync(id, notBefore, FindAsync, cancellationToken);

    /// <summary>The newest runs as read at or after <paramref name="notBefore"/>, one read for all who ask for the same moment.</summary>
    public Task<IReadOnlyList<CampaignRun>> RunsAsync(int campaignId, int take, DateTimeOffset notBefore, CancellationToken cancellationToken) =>
        runs.GetAsync((campaignId, take), notBefore, (key, token) => RunsAsync(key.CampaignId, key.Take, token), cancellationToken);

    /// <summary>The newest runs first (rows are written in start order, so by id).</summary>
    public async Task<IReadOnlyList<CampaignRun>> RunsAsync(int campaignId, int take, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CampaignRuns.AsNoTracking().Where(r => r.CampaignId == campaignId)
            .OrderByDescending(r => r.Id).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>A page of deliveries as read at or after <paramref name="notBefore"/>, one read for all who ask for the same page at the same moment.</summary>
    public Task<PageOf<Delivery>> DeliveriesAsync(int campaignId, DeliveryStatus? status, int page, int pageSize, DateTimeOffset notBefore,
        CancellationToken cancellationToken) =>
        deliveries.GetAsync((campaignId, status, page, pageSize), notBefore,
            (key, token) => DeliveriesAsync(key.CampaignId, key.Status, key.Page, key.PageSize, token), cancellationToken);

    /// <summary>The current generation's delivery records, optionally of one status, in the order they were enqueued.</summary>
    public async Task<PageOf<Delivery>> DeliveriesAsync(int campaignId, DeliveryStatus? status, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var generation = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => (int?)c.Generation).FirstOrDefaultAsync(cancellationToken);
        if (generation is null) return new PageOf<Delivery>([], 0);
        var query = db.Deliveries.AsNoTracking().Where(d => d.CampaignId == campaignId && d.Generation == generation);
        if (status is { } wanted) query = query.Where(d => d.Status == wanted);
        var total = await query.LongCountAsync(cancellationToken);
        var rows = await query.OrderBy(d => d.Id).TakePage(page, pageSize, MaxDeliveriesPageSize).ToListAsync(cancellationToken);
        return new PageOf<Delivery>(rows, total);
    }

    /// <summary>Every delivery record of the current generation, optionally of one status, streamed in the order they were enqueued.</summary>
    public async IAsyncEnumerable<Delivery> AllDeliveriesAsync(int campaignId, DeliveryStatus? status,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var generation = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => (int?)c.Generation).FirstOrDefaultAsync(cancellationToken);
        if (generation is null) yield break;
        var query = db.Deliveries.AsNoTracking().Where(d => d.CampaignId == campaignId && d.Generation == generation);
        if (status is { } wanted) query = query.Where(d => d.Status == wanted);
        await foreach (var delivery in query.OrderBy(d => d.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
            yield return delivery;
    }

    public async Task<bool> ExistsAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Campaigns.AnyAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>Every campaign by name, optionally of the group named <paramref name="groupName"/> (the API's unpaged list).</summary>
    public async Task<IReadOnlyList<Campaign>> AllAsync(string? groupName, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Campaigns.AsNoTracking().Include(c => c.Group).AsQueryable();
        if (!string.IsNullOrWhiteSpace(groupName)) query = query.Where(c => c.Group != null && c.Group.Name == groupName);
        return await query.OrderBy(c => c.Name).ToListAsync(cancellationToken);
    }

    /// <summary>Why <paramref name="campaign"/>'s current generation failed or bounced, for a campaign just read.</summary>
    public async Task<FailureBreakdown> FailuresAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await FailureBreakdown.ReadAsync(db, campaign.Id, campaign.Generation, cancellationToken);
    }

    public async Task<FailureBreakdown> FailuresAsync(int campaignId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var generation = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => (int?)c.Generation).FirstOrDefaultAsync(cancellationToken);
        return generation is int g ? await FailureBreakdown.ReadAsync(db, campaignId, g, cancellationToken) : FailureBreakdown.Empty;
    }
}
