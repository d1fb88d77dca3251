using Microsoft.AspNetCore.SignalR;
using Triton.Core.Campaigns;

namespace Triton.Web.Progress;

/// <summary>
/// The one reader of the engine's progress feed: forwards each coalesced event to the SignalR groups
/// of its campaign and of the dashboard, so no browser ever makes the server poll the database.
/// </summary>
public sealed class ProgressForwarder(
    IServiceProvider services,
    IHubContext<ProgressHub> hub,
    ILogger<ProgressForwarder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = services.GetService<ICampaignProgressFeed>();
        if (feed is null)
        {
            logger.LogWarning("No campaign progress feed is registered; live progress is off");
            return;
        }
        try
        {
            await foreach (var progress in feed.SubscribeAsync(stoppingToken))
            {
                var message = ProgressMessage.From(progress);
                try
                {
                    await hub.Clients.Groups(ProgressHub.GroupOf(progress.CampaignId), ProgressHub.AllCampaignsGroup)
                        .SendAsync(ProgressHub.ProgressMethod, message, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not push progress of campaign {CampaignId}", progress.CampaignId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
