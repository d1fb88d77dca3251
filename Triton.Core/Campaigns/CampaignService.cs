using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Core.Campaigns;

/// <summary>
/// Creating, changing and deleting campaigns: the one entry point the HTTP API and the admin pages
/// call. It validates the input (CampaignInputValidator), refuses changes while the campaign is
/// Running or Pending (checked again in the write itself, since the engine may start it meanwhile)
/// and keeps the campaign's schedule in step.
/// </summary>
public sealed class CampaignService(
    IDbContextFactory<TritonDbContext> contexts,
    ICampaignScheduler scheduler,
    TimeProvider time)
{
    public async Task<ServiceResult<int>> CreateAsync(CampaignInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await ValidateAsync(db, input, null, cancellationToken) is { } errors) return ServiceResult<int>.Invalid(errors);
        var now = time.GetUtcNow();
        var campaign = new Campaign { Name = "", FromAddress = "", CreatedAt = now };
        input.ApplyTo(campaign, await GroupNames.FindAsync(db, GroupScope.Campaign, input.Group, cancellationToken), now);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(cancellationToken);
        if (campaign.ScheduleAt is not null) await scheduler.ScheduleChangedAsync(campaign.Id, cancellationToken);
        return ServiceResult<int>.Saved(campaign.Id);
    }

    public async Task<ServiceResult<int>> UpdateAsync(int id, CampaignInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null) return ServiceResult<int>.NotFound();
        if (IsActive(campaign.State))
            return ServiceResult<int>.Conflict($"The campaign is {campaign.State}; pause or stop it before editing.", "state");
        if (await ValidateAsync(db, input, id, cancellationToken) is { } errors) return ServiceResult<int>.Invalid(errors);
        var previousSchedule = campaign.ScheduleAt;
        var now = time.GetUtcNow();
        input.ApplyTo(campaign, await GroupNames.FindAsync(db, GroupScope.Campaign, input.Group, cancellationToken), now);
        // The engine may start the campaign meanwhile: claim the row with a conditional write first
        // (it holds the row until commit), so the edit lands only on an inactive campaign.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var claimed = await db.Campaigns
                .Where(c => c.Id == id && c.State != CampaignState.Running && c.State != CampaignState.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), cancellationToken);
            if (claimed == 0) return ServiceResult<int>.Conflict("The campaign started meanwhile; pause or stop it before editing.", "state");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        if (previousSchedule != campaign.ScheduleAt) await scheduler.ScheduleChangedAsync(id, cancellationToken);
        return ServiceResult<int>.Saved(id);
    }

    public async Task<ServiceResult<int>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking()
            .Where(c => c.Id == id).Select(c => new { c.State, c.ScheduleAt }).FirstOrDefaultAsync(cancellationToken);
        if (campaign is null) return ServiceResult<int>.NotFound();
        if (IsActive(campaign.State))
            return ServiceResult<int>.Conflict($"The campaign is {campaign.State}; stop it before deleting.", "state");
        // Delete only while the state is still not active, in one statement (deliveries and runs cascade).
        var deleted = await db.Campaigns
            .Where(c => c.Id == id && c.State != CampaignState.Running && c.State != CampaignState.Pending)
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0) return ServiceResult<int>.Conflict("The campaign changed state meanwhile; stop it before deleting.", "state");
        if (campaign.ScheduleAt is not null) await scheduler.ScheduleChangedAsync(id, cancellationToken);
        return ServiceResult<int>.Saved(id);
    }

    /// <summary>The input's errors without saving anything (a form that found errors of its own shows these beside them).</summary>
    public async Task<IReadOnlyDictionary<string, string[]>> ErrorsAsync(CampaignInput input, int? editedId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ValidateAsync(db, input, editedId, cancellationToken) ?? new Dictionary<string, string[]>();
    }

    /// <summary>The input's errors keyed by field as the JSON body names it (name, subjects[0], customHeaders['X']), or null.</summary>
    private static async Task<Dictionary<string, string[]>?> ValidateAsync(TritonDbContext db, CampaignInput input, int? editedId, CancellationToken cancellationToken)
    {
        var result = await new CampaignInputValidator(db).ValidateAsync(EditedEntity.For(input, editedId), cancellationToken);
        return result.IsValid ? null : ValidationErrors.Of(result);
    }

    private static bool IsActive(CampaignState state) => state is CampaignState.Running or CampaignState.Pending;
}
