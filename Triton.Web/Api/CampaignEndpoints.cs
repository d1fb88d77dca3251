using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core;
using Triton.Core.Campaigns;

namespace Triton.Web.Api;

/// <summary>Campaigns as a resource: reads here, every change through <see cref="CampaignService"/>.</summary>
public static class CampaignEndpoints
{
    public static RouteGroupBuilder MapCampaignEndpoints(this RouteGroupBuilder api)
    {
        var campaigns = api.MapGroup("/campaigns");

        campaigns.MapGet("/", async (string? group, CampaignReader reader, CancellationToken ct) =>
            TypedResults.Ok(await reader.ListAsync(group, ct)));

        campaigns.MapGet("/{id:int}", async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> (int id, CampaignReader reader, CancellationToken ct) =>
            await reader.ReadAsync(id, ct) is { } campaign ? TypedResults.Ok(campaign) : ApiResults.NotFound("campaign"));

        campaigns.MapPost("/", async Task<IResult> (CampaignInput? input, CampaignService service, CampaignReader reader, CancellationToken ct) =>
        {
            if (input is null) return ValidationFilter.BodyRequired();
            var result = await service.CreateAsync(input, ct);
            return result.Status == ServiceStatus.Saved
                ? TypedResults.Created($"/api/campaigns/{result.Value}", await reader.ReadAsync(result.Value, ct))
                : result.ToHttp("campaign", id => id);
        });

        campaigns.MapPut("/{id:int}", async Task<IResult> (int id, CampaignInput? input, CampaignService service, CampaignReader reader, CancellationToken ct) =>
        {
            if (input is null) return ValidationFilter.BodyRequired();
            var result = await service.UpdateAsync(id, input, ct);
            return result.Status == ServiceStatus.Saved ? TypedResults.Ok(await reader.ReadAsync(id, ct)) : result.ToHttp("campaign", i => i);
        });

        campaigns.MapDelete("/{id:int}", async Task<IResult> (int id, CampaignService service, CancellationToken ct) =>
        {
            var result = await service.DeleteAsync(id, ct);
            return result.Status == ServiceStatus.Saved ? TypedResults.NoContent() : result.ToHttp("campaign", i => i);
        });

        return campaigns;
    }
}
