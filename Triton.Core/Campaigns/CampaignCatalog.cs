using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Campaigns;

/// <summary>One page of rows and how many match in all.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total);

/// <summary>A group a campaign can belong to, for filters and pickers.</summary>
public sealed record GroupChoice(int Id, string Name);

/// <summary>
/// What the admin pages read about campaigns: filtered, server-paged lists, one campaign, its runs,
/// its deliveries and its failures. Each call opens its own short-lived context, so a long-lived
/// interactive page never holds one.
/// </summary>
public sealed class CampaignCatalog(IDbContextFactory<TritonDbContext> contexts)
{
    public const int MaxPageSize = 500;

    public async Task<PageOf<Campaign>> ListAsync(int? groupId, CampaignState? state, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Campaigns.AsNoTracking().Include(c => c.Group).AsQueryable();
        if (groupId is int group) query = query.Where(c => c.GroupId == group);
        if (state is { } wanted) query = query.Where(c => c.State == wanted);
        var total = await query.LongCountAsync(cancellationToken);
        var size = Math.Clamp(pageSize, 1, MaxPageSize);
        var rows = await query.OrderByDescending(c => c.Id).Skip(Math.Max(0, page) * size).Take(size).ToListAsync(cancellationToken);
        return new PageOf<Campaign>(rows, total);
    }

    public async Task<IReadOnlyList<GroupChoice>> GroupsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Groups.AsNoTracking().Where(g => g.Scope == GroupScope.Campaign).OrderBy(g => g.Name)
            .Select(g => new GroupChoice(g.Id, g.Name)).ToListAsync(cancellationToken);
    }

    public async Task<Campaign?> FindAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Campaigns.AsNoTracking().Include(c => c.Group).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>The newest runs first (rows are written in start order, so by id).</summary>
    public async Task<IReadOnlyList<CampaignRun>> RunsAsync(int campaignId, int take, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CampaignRuns.AsNoTracking().Where(r => r.CampaignId == campaignId)
            .OrderByDescending(r => r.Id).Take(take).ToListAsync(cancellationToken);
    }

    /// <summary>The current generation's delivery records, optionally of one status, in the order they were enqueued.</summary>
    public async Task<PageOf<Delivery>> DeliveriesAsync(int campaignId, DeliveryStatus? status, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var generation = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => (int?)c.Generation).FirstOrDefaultAsync(cancellationToken);
        if (generation is null) return new PageOf<Delivery>([], 0);
        var query = db.Deliveries.AsNoTracking().Where(d => d.CampaignId == campaignId && d.Generation == generation);
        if (status is { } wanted) query = query.Where(d => d.Status == wanted);
        var total = await query.LongCountAsync(cancellationToken);
        var size = Math.Clamp(pageSize, 1, MaxPageSize);
        var rows = await query.OrderBy(d => d.Id).Skip(Math.Max(0, page) * size).Take(size).ToListAsync(cancellationToken);
        return new PageOf<Delivery>(rows, total);
    }

    public async Task<FailureBreakdown> FailuresAsync(int campaignId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var generation = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => (int?)c.Generation).FirstOrDefaultAsync(cancellationToken);
        return generation is int g ? await FailureBreakdown.ReadAsync(db, campaignId, g, cancellationToken) : FailureBreakdown.Empty;
    }
}
