using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Web.Api;

public static class CampaignEndpoints
{
    public static RouteGroupBuilder MapCampaignEndpoints(this RouteGroupBuilder api)
    {
        var campaigns = api.MapGroup("/campaigns");

        campaigns.MapGet("/", async (string? group, CampaignReader reader, CancellationToken ct) =>
            TypedResults.Ok(await reader.ListAsync(group, ct)));

        campaigns.MapGet("/{id:int}", async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> (int id, CampaignReader reader, CancellationToken ct) =>
            await reader.ReadAsync(id, ct) is { } campaign ? TypedResults.Ok(campaign) : ApiResults.NotFound("campaign"));

        campaigns.MapPost("/", async (CampaignInput input, TritonDbContext db, CampaignReader reader,
            ICampaignScheduler scheduler, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var campaign = new Campaign { Name = "", FromAddress = "", CreatedAt = now };
            input.ApplyTo(campaign, await GroupNames.FindAsync(db, GroupScope.Campaign, input.Group, ct), now);
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync(ct);
            if (campaign.ScheduleAt is not null) await scheduler.ScheduleChangedAsync(campaign.Id, ct);
            return TypedResults.Created($"/api/campaigns/{campaign.Id}", await reader.ReadAsync(campaign.Id, ct));
        }).Validated<CampaignInput>();

        campaigns.MapPut("/{id:int}", async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> (int id, CampaignInput input,
            TritonDbContext db, CampaignReader reader, ICampaignScheduler scheduler, TimeProvider time, CancellationToken ct) =>
        {
            var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, ct);
            if (campaign is null) return ApiResults.NotFound("campaign");
            if (IsActive(campaign.State))
                return ApiResults.Conflict($"The campaign is {campaign.State}; pause or stop it before editing.", "state");
            var previousSchedule = campaign.ScheduleAt;
            var now = time.GetUtcNow();
            input.ApplyTo(campaign, await GroupNames.FindAsync(db, GroupScope.Campaign, input.Group, ct), now);
            // The engine may start the campaign meanwhile: claim the row with a conditional write
            // first (it holds the row until commit), so the edit lands only on an inactive campaign.
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                var claimed = await db.Campaigns
                    .Where(c => c.Id == id && c.State != CampaignState.Running && c.State != CampaignState.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), ct);
                if (claimed == 0) return ApiResults.Conflict("The campaign started meanwhile; pause or stop it before editing.", "state");
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            if (previousSchedule != campaign.ScheduleAt) await scheduler.ScheduleChangedAsync(campaign.Id, ct);
            return TypedResults.Ok((await reader.ReadAsync(id, ct))!);
        }).Validated<CampaignInput>();

        campaigns.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, TritonDbContext db,
            ICampaignScheduler scheduler, CancellationToken ct) =>
        {
            var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            if (campaign is null) return ApiResults.NotFound("campaign");
            if (IsActive(campaign.State))
                return ApiResults.Conflict($"The campaign is {campaign.State}; stop it before deleting.", "state");
            // Delete only while the state is still not active, in one statement (deliveries and runs cascade).
            var deleted = await db.Campaigns
                .Where(c => c.Id == id && c.State != CampaignState.Running && c.State != CampaignState.Pending)
                .ExecuteDeleteAsync(ct);
            if (deleted == 0) return ApiResults.Conflict("The campaign changed state meanwhile; stop it before deleting.", "state");
            if (campaign.ScheduleAt is not null) await scheduler.ScheduleChangedAsync(id, ct);
            return TypedResults.NoContent();
        });

        return campaigns;
    }

    private static bool IsActive(CampaignState state) => state is CampaignState.Running or CampaignState.Pending;
}
