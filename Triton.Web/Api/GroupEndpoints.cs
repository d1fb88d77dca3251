using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Web.Api;

public sealed record GroupResponse(int Id, string Name, string Scope)
{
    public static GroupResponse From(Group g) => new(g.Id, g.Name, EnumNames.Name(g.Scope));
}

public static class GroupEndpoints
{
    public static void MapGroupEndpoints(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups");

        groups.MapGet("/", async (string? scope, TritonDbContext db, CancellationToken ct) =>
        {
            var query = db.Groups.AsNoTracking();
            if (EnumNames.TryParse<GroupScope>(scope, out var s)) query = query.Where(g => g.Scope == s);
            var rows = await query.OrderBy(g => g.Scope).ThenBy(g => g.Name).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(GroupResponse.From).ToList());
        });

        groups.MapGet("/{id:int}", async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> (int id, TritonDbContext db, CancellationToken ct) =>
            await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, ct) is { } g
                ? TypedResults.Ok(GroupResponse.From(g))
                : ApiResults.NotFound("group"));

        groups.MapPost("/", async (GroupInput input, TritonDbContext db, CancellationToken ct) =>
        {
            EnumNames.TryParse<GroupScope>(input.Scope, out var scope);
            var group = new Group { Name = input.Name!.Trim(), Scope = scope };
            db.Groups.Add(group);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/groups/{group.Id}", GroupResponse.From(group));
        }).Validated<GroupInput>();

        groups.MapPut("/{id:int}", async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> (int id, GroupInput input, TritonDbContext db, CancellationToken ct) =>
        {
            var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, ct);
            if (group is null) return ApiResults.NotFound("group");
            EnumNames.TryParse<GroupScope>(input.Scope, out var scope);
            if (scope != group.Scope && await GroupUsage.IsUsedAsync(db, group, ct))
                return ApiResults.Conflict("The group holds objects of its scope; its scope cannot change.", "scope");
            group.Name = input.Name!.Trim();
            group.Scope = scope;
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(GroupResponse.From(group));
        }).Validated<GroupInput>();

        groups.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, TritonDbContext db, CancellationToken ct) =>
        {
            var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, ct);
            if (group is null) return ApiResults.NotFound("group");
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Transports and categories keep a plain group id (no foreign key): clear it with the group.
            await db.Transports.Where(t => t.GroupId == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.GroupId, (int?)null), ct);
            await db.TrackingCategories.Where(c => c.GroupId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.GroupId, (int?)null), ct);
            db.Groups.Remove(group);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return TypedResults.NoContent();
        });
    }
}
