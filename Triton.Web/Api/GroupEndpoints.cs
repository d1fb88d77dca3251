using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Web.Api;

public sealed record GroupResponse(int Id, string Name, string Scope)
{
    public static GroupResponse From(Group g) => new(g.Id, g.Name, EnumNames.Name(g.Scope));
}

/// <summary>Groups as a resource; every read and change through <see cref="GroupService"/>.</summary>
public static class GroupEndpoints
{
    public static void MapGroupEndpoints(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups");

        groups.MapGet("/", async (string? scope, GroupService service, CancellationToken ct) =>
        {
            GroupScope? only = EnumNames.TryParse<GroupScope>(scope, out var s) ? s : null;
            return TypedResults.Ok((await service.ListAsync(only, ct)).Select(GroupResponse.From).ToList());
        });

        groups.MapGet("/{id:int}", async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> (int id, GroupService service, CancellationToken ct) =>
            await service.FindAsync(id, ct) is { } g ? TypedResults.Ok(GroupResponse.From(g)) : ApiResults.NotFound("group"));

        groups.MapPost("/", async (GroupInput? input, GroupService service, CancellationToken ct) =>
        {
            if (input is null) return ValidationFilter.BodyRequired();
            var result = await service.CreateAsync(input, ct);
            return result.ToHttp("group", GroupResponse.From, result.Value is { } g ? $"/api/groups/{g.Id}" : null);
        });

        groups.MapPut("/{id:int}", async (int id, GroupInput? input, GroupService service, CancellationToken ct) =>
            input is null ? ValidationFilter.BodyRequired() : (await service.UpdateAsync(id, input, ct)).ToHttp("group", GroupResponse.From));

        groups.MapDelete("/{id:int}", async (int id, GroupService service, CancellationToken ct) =>
        {
            var result = await service.DeleteAsync(id, ct);
            return result.Status == ServiceStatus.Saved ? Results.NoContent() : result.ToHttp("group", i => i);
        });
    }
}
