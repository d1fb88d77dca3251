using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Campaigns;

public sealed record ReplyCodeCount
{
    public int? Code { get; init; }
    public long Count { get; init; }
}

public sealed record DomainCount
{
    public required string Domain { get; init; }
    public long Count { get; init; }
}

/// <summary>Why a campaign's current generation failed: Failed and Bounced deliveries by reply code and by domain.</summary>
public sealed record FailureBreakdown(IReadOnlyList<ReplyCodeCount> ByReplyCode, IReadOnlyList<DomainCount> ByDomain)
{
    /// <summary>Each list holds this many rows at most, the largest first.</summary>
    public const int Rows = 20;

    public static readonly FailureBreakdown Empty = new([], []);

    public static IQueryable<Delivery> Failed(TritonDbContext db, int campaignId, int generation) =>
        db.Deliveries.AsNoTracking().Where(d => d.CampaignId == campaignId && d.Generation == generation
            && (d.Status == DeliveryStatus.Failed || d.Status == DeliveryStatus.Bounced));

    public static IQueryable<ReplyCodeCount> CountByCode(IQueryable<Delivery> failed) =>
        failed.GroupBy(d => d.ReplyCode)
            .Select(g => new ReplyCodeCount { Code = g.Key, Count = g.LongCount() })
            .OrderByDescending(r => r.Count).ThenBy(r => r.Code).Take(Rows);

    /// <summary>The domain is cut out in SQL: instr/substr on SQLite, strpos/substring on PostgreSQL.</summary>
    public static IQueryable<DomainCount> CountByDomain(IQueryable<Delivery> failed) =>
        failed.GroupBy(d => d.Email.Substring(d.Email.IndexOf("@") + 1).ToLower())
            .Select(g => new DomainCount { Domain = g.Key, Count = g.LongCount() })
            .OrderByDescending(r => r.Count).ThenBy(r => r.Domain).Take(Rows);

    public static async Task<FailureBreakdown> ReadAsync(TritonDbContext db, int campaignId, int generation, CancellationToken ct)
    {
        var failed = Failed(db, campaignId, generation);
        return new FailureBreakdown(await CountByCode(failed).ToListAsync(ct), await CountByDomain(failed).ToListAsync(ct));
    }
}
