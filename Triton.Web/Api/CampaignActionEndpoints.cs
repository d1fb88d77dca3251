using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core.Campaigns;
using Triton.Core.Domain;

namespace Triton.Web.Api;

/// <summary>Run, pause, stop and retry-failed: POST without a body, answered with the campaign; keys with the send scope may.</summary>
public static class CampaignActionEndpoints
{
    public static void MapCampaignActionEndpoints(this RouteGroupBuilder campaigns)
    {
        Map(campaigns, "run", (commands, id, ct) => commands.RunAsync(id, ct));
        Map(campaigns, "pause", (commands, id, ct) => commands.PauseAsync(id, ct));
        Map(campaigns, "stop", (commands, id, ct) => commands.StopAsync(id, ct));
        Map(campaigns, "retry-failed", (commands, id, ct) => commands.RetryFailedAsync(id, ct));
    }

    private static void Map(RouteGroupBuilder campaigns, string action,
        Func<ICampaignCommands, int, CancellationToken, Task<CampaignCommandResult>> command) =>
        campaigns.MapPost($"/{{id:int}}/{action}", async Task<Results<Accepted<CampaignResponse>, ProblemHttpResult>> (
            int id, ICampaignCommands commands, CampaignReader reader, CancellationToken ct) =>
        {
            var result = await command(commands, id, ct);
            return result.Status switch
            {
                CommandStatus.Done => await reader.ReadAsync(id, ct) is { } campaign
                    ? TypedResults.Accepted($"/api/campaigns/{id}", campaign)
                    : ApiResults.NotFound("campaign"),
                CommandStatus.NotFound => ApiResults.NotFound("campaign"),
                CommandStatus.Conflict => ApiResults.Conflict(result.Reason ?? $"The campaign's state forbids {action}."),
                _ => ApiResults.BadRequest(result.Reason ?? $"The campaign cannot {action}."),
            };
        }).RequireApiScope(ApiScope.Send);
}
