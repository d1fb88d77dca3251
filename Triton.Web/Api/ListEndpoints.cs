using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core;
using Triton.Core.Lists;

namespace Triton.Web.Api;

/// <summary>/api/lists: mailing lists over <see cref="ListService"/>; their columns are fixed when the list is created.</summary>
public static class ListEndpoints
{
    public static RouteGroupBuilder MapListEndpoints(this RouteGroupBuilder api)
    {
        var lists = api.MapGroup("/lists");
        lists.MapGet("/", async (ListService service, string? group, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(group, ct)));
        lists.MapGet("/{id:int}", GetAsync);
        lists.MapPost("/", async (ListInput input, ListService service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(input, ct);
            return result.ToHttp("list", v => v, result.Value is { } view ? $"/api/lists/{view.Id}" : null);
        }).Validated<ListInput>();
        lists.MapPut("/{id:int}", async (int id, ListInput input, ListService service, CancellationToken ct) =>
            (await service.UpdateAsync(id, input, ct)).ToHttp("list", v => v)).Validated<ListInput>();
        lists.MapDelete("/{id:int}", async (int id, ListService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) is var result && result.Status == ServiceStatus.Saved ? TypedResults.NoContent() : result.ToHttp("list", v => v));
        return api;
    }

    private static async Task<Results<Ok<ListView>, NotFound>> GetAsync(int id, ListService service, CancellationToken cancellationToken) =>
        await service.GetAsync(id, cancellationToken) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();
}
