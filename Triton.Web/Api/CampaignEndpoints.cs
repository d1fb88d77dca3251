using Microsoft.AspNetCore.Http.HttpResults;
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
            input is null ? ValidationFilter.BodyRequired() : await service.CreateAsync(input, ct) switch
            {
                CampaignSaveResult.Saved saved => TypedResults.Created($"/api/campaigns/{saved.Id}", await reader.ReadAsync(saved.Id, ct)),
                var other => Refused(other),
            });

        campaigns.MapPut("/{id:int}", async Task<IResult> (int id, CampaignInput? input, CampaignService service, CampaignReader reader, CancellationToken ct) =>
            input is null ? ValidationFilter.BodyRequired() : await service.UpdateAsync(id, input, ct) switch
            {
                CampaignSaveResult.Saved => TypedResults.Ok(await reader.ReadAsync(id, ct)),
                var other => Refused(other),
            });

        campaigns.MapDelete("/{id:int}", async Task<IResult> (int id, CampaignService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) switch
            {
                CampaignSaveResult.Saved => TypedResults.NoContent(),
                var other => Refused(other),
            });

        return campaigns;
    }

    private static IResult Refused(CampaignSaveResult result) => result switch
    {
        CampaignSaveResult.NotFound => ApiResults.NotFound("campaign"),
        CampaignSaveResult.Conflict conflict => ApiResults.Conflict(conflict.Reason, "state"),
        CampaignSaveResult.Invalid invalid => ValidationFilter.Problem(invalid.Errors),
        _ => throw new InvalidOperationException($"Unexpected result {result}."),
    };
}
