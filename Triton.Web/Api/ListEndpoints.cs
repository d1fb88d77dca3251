using Microsoft.AspNetCore.Http.HttpResults;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Lists;

namespace Triton.Web.Api;

public sealed record ListInput(string Name, string? Description, string? Group, List<string>? Columns);

public sealed record ListView(int Id, string Name, string? Description, string? Group, IReadOnlyList<string> Columns, long Recipients, DateTimeOffset CreatedAt);

public sealed class ListInputValidator : AbstractValidator<ListInput>
{
    public ListInputValidator()
    {
        RuleFor(l => l.Name).NotEmpty().MaximumLength(200);
        RuleFor(l => l.Description).MaximumLength(2000);
        RuleFor(l => l.Columns).Custom((columns, context) =>
        {
            foreach (var problem in ListColumnRules.Problems(columns ?? []))
                context.AddFailure(nameof(ListInput.Columns), problem);
        });
    }
}

/// <summary>/api/lists: mailing lists; their columns are fixed when the list is created.</summary>
public static class ListEndpoints
{
    public static RouteGroupBuilder MapListEndpoints(this RouteGroupBuilder api)
    {
        var lists = api.MapGroup("/lists");
        lists.MapGet("/", ListAsync);
        lists.MapGet("/{id:int}", GetAsync);
        lists.MapPost("/", CreateAsync).Validated<ListInput>();
        lists.MapPut("/{id:int}", UpdateAsync).Validated<ListInput>();
        lists.MapDelete("/{id:int}", DeleteAsync);
        return api;
    }

    private static IQueryable<ListView> Views(TritonDbContext db, IQueryable<MailingList> lists) =>
        lists.Select(l => new ListView(l.Id, l.Name, l.Description, l.Group == null ? null : l.Group.Name,
            l.Columns.OrderBy(c => c.Position).Select(c => c.Name).ToList(),
            db.Recipients.LongCount(r => r.ListId == l.Id), l.CreatedAt));

    private static async Task<Ok<List<ListView>>> ListAsync(TritonDbContext db, string? group, CancellationToken cancellationToken)
    {
        var query = db.Lists.AsNoTracking();
        if (!string.IsNullOrEmpty(group)) query = query.Where(l => l.Group != null && l.Group.Name == group);
        return TypedResults.Ok(await Views(db, query.OrderBy(l => l.Name)).ToListAsync(cancellationToken));
    }

    private static async Task<Results<Ok<ListView>, NotFound>> GetAsync(int id, TritonDbContext db, CancellationToken cancellationToken) =>
        await Views(db, db.Lists.AsNoTracking().Where(l => l.Id == id)).FirstOrDefaultAsync(cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound();

    private static async Task<IResult> CreateAsync(ListInput input, TritonDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var (groupId, problem) = await GroupReferences.ResolveAsync(db, input.Group, GroupScope.List, cancellationToken);
        if (problem is not null) return problem;
        if (await db.Lists.AnyAsync(l => l.Name == input.Name, cancellationToken))
            return TypedResults.Problem(title: $"A list named '{input.Name}' already exists.", statusCode: StatusCodes.Status409Conflict);
        var list = new MailingList
        {
            Name = input.Name,
            Description = input.Description,
            GroupId = groupId,
            CreatedAt = time.GetUtcNow(),
            Columns = [.. (input.Columns ?? []).Select((name, position) => new ListColumn { Name = name, Position = position })],
        };
        db.Lists.Add(list);
        await db.SaveChangesAsync(cancellationToken);
        var view = await Views(db, db.Lists.AsNoTracking().Where(l => l.Id == list.Id)).FirstAsync(cancellationToken);
        return TypedResults.Created($"/api/lists/{list.Id}", view);
    }

    private static async Task<IResult> UpdateAsync(int id, ListInput input, TritonDbContext db, CancellationToken cancellationToken)
    {
        var list = await db.Lists.Include(l => l.Columns).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (list is null) return TypedResults.NotFound();
        var current = list.Columns.OrderBy(c => c.Position).Select(c => c.Name).ToList();
        if (input.Columns is not null && !input.Columns.SequenceEqual(current, StringComparer.Ordinal))
            return TypedResults.Problem(title: "A list's columns are fixed when it is created.",
                detail: $"The columns are: {string.Join(", ", current)}.", statusCode: StatusCodes.Status409Conflict);
        var (groupId, problem) = await GroupReferences.ResolveAsync(db, input.Group, GroupScope.List, cancellationToken);
        if (problem is not null) return problem;
        if (await db.Lists.AnyAsync(l => l.Name == input.Name && l.Id != id, cancellationToken))
            return TypedResults.Problem(title: $"A list named '{input.Name}' already exists.", statusCode: StatusCodes.Status409Conflict);
        list.Name = input.Name;
        list.Description = input.Description;
        list.GroupId = groupId;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await Views(db, db.Lists.AsNoTracking().Where(l => l.Id == id)).FirstAsync(cancellationToken));
    }

    private static async Task<IResult> DeleteAsync(int id, TritonDbContext db, CancellationToken cancellationToken)
    {
        var list = await db.Lists.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (list is null) return TypedResults.NotFound();
        var campaigns = await db.Campaigns.Where(c => c.ListId == id).Select(c => c.Name).ToListAsync(cancellationToken);
        if (campaigns.Count > 0)
            return TypedResults.Problem(title: "The list is used by campaigns.", detail: string.Join(", ", campaigns), statusCode: StatusCodes.Status409Conflict);
        db.Lists.Remove(list);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
