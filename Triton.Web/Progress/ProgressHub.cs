using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Web.Access;

namespace Triton.Web.Progress;

/// <summary>
/// Live campaign progress for signed-in users. Clients join the groups of the campaigns their page
/// shows and get the latest snapshot at once, so a reconnecting page catches up.
/// </summary>
[Authorize(Policy = AdminRoles.CanView, AuthenticationSchemes = "Identity.Application")]
public sealed class ProgressHub(IServiceProvider services, TritonDbContext db) : Hub
{
    public const string Path = "/hubs/progress";
    public const string ProgressMethod = "progress";
    public const string AllCampaignsGroup = "campaigns:all";

    public static string GroupOf(int campaignId) => $"campaign:{campaignId}";

    public async Task JoinCampaign(int campaignId)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(campaignId), Context.ConnectionAborted);
        var snapshot = services.GetService<ICampaignProgressFeed>()?.Latest(campaignId)
            ?? await SnapshotFromDatabaseAsync(campaignId, Context.ConnectionAborted);
        if (snapshot is not null)
            await Clients.Caller.SendAsync(ProgressMethod, ProgressMessage.From(snapshot), Context.ConnectionAborted);
    }

    public Task JoinAllCampaigns() =>
        Groups.AddToGroupAsync(Context.ConnectionId, AllCampaignsGroup, Context.ConnectionAborted);

    public Task LeaveCampaign(int campaignId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(campaignId), Context.ConnectionAborted);

    private async Task<CampaignProgressEvent?> SnapshotFromDatabaseAsync(int campaignId, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null) return null;
        var p = campaign.Progress;
        return new CampaignProgressEvent(campaign.Id, campaign.State, campaign.StateReason, p.Plan, p.Enqueued,
            p.Sent, p.Skipped, p.Failed, p.Bounced, 0, 0, null, campaign.UpdatedAt);
    }
}

/// <summary>What the browser receives: plain numbers and strings.</summary>
public sealed record ProgressMessage(
    int CampaignId, string State, string? StateReason, long Plan, long Enqueued, long Sent, long Skipped,
    long Failed, long Bounced, int InFlight, double Rate, double? EtaSeconds)
{
    public static ProgressMessage From(CampaignProgressEvent e) => new(
        e.CampaignId, e.State.ToString(), e.StateReason, e.Plan, e.Enqueued, e.Sent, e.Skipped,
        e.Failed, e.Bounced, e.InFlight, Math.Round(e.RatePerSecond, 1), e.Eta?.TotalSeconds);
}
