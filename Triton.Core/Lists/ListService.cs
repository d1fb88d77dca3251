using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Core.Lists;

/// <summary>
/// The one entry point for mailing lists, called by the API and the admin pages: list, read, create,
/// rename or regroup (the columns are fixed once created), delete (not while a campaign uses it).
/// </summary>
public sealed class ListService(IDbContextFactory<TritonDbContext> contexts, IValidator<ListInput> validator, TimeProvider time)
{
    public const int MaxPageSize = 500;

    private static IQueryable<ListView> Views(TritonDbContext db, IQueryable<MailingList> lists) =>
        lists.Select(l => new ListView(l.Id, l.Name, l.Description, l.Group == null ? null : l.Group.Name,
            l.Columns.OrderBy(c => c.Position).Select(c => c.Name).ToList(),
            db.Recipients.LongCount(r => r.ListId == l.Id), l.CreatedAt));

    public async Task<List<ListView>> ListAsync(string? group, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Lists.AsNoTracking();
        if (!string.IsNullOrEmpty(group)) query = query.Where(l => l.Group != null && l.Group.Name == group);
        return await Views(db, query.OrderBy(l => l.Name)).ToListAsync(cancellationToken);
    }

    /// <summary>One page (0-based) of lists by name, optionally of one group (by id).</summary>
    public async Task<PageOf<ListView>> PageAsync(int? groupId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Lists.AsNoTracking();
        if (groupId is int id) query = query.Where(l => l.GroupId == id);
        var total = await query.LongCountAsync(cancellationToken);
        var rows = await Views(db, query.OrderBy(l => l.Name).TakePage(page, pageSize, MaxPageSize)).ToListAsync(cancellationToken);
        return new PageOf<ListView>(rows, total);
    }

    public async Task<ListView?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Views(db, db.Lists.AsNoTracking().Where(l => l.Id == id)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The list groups, for filters and pickers.</summary>
    public async Task<IReadOnlyList<GroupChoice>> GroupsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await GroupNames.ChoicesAsync(db, GroupScope.List, cancellationToken);
    }

    public async Task<ServiceResult<ListView>> CreateAsync(ListInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (groupId, problem) = await CheckAsync(db, null, input, cancellationToken);
        if (problem is not null) return problem;
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
        return ServiceResult<ListView>.Saved(await Views(db, db.Lists.AsNoTracking().Where(l => l.Id == list.Id)).FirstAsync(cancellationToken));
    }

    /// <param name="input">Columns may be left out (null); given, they must be the list's own, in order.</param>
    public async Task<ServiceResult<ListView>> UpdateAsync(int id, ListInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var list = await db.Lists.Include(l => l.Columns).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (list is null) return ServiceResult<ListView>.NotFound();
        var current = list.Columns.OrderBy(c => c.Position).Select(c => c.Name).ToList();
        if (input.Columns is not null && !input.Columns.SequenceEqual(current, StringComparer.Ordinal))
            return ServiceResult<ListView>.Conflict($"A list's columns are fixed when it is created. The columns are: {string.Join(", ", current)}.");
        var (groupId, problem) = await CheckAsync(db, id, input, cancellationToken);
        if (problem is not null) return problem;
        list.Name = input.Name;
        list.Description = input.Description;
        list.GroupId = groupId;
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<ListView>.Saved(await Views(db, db.Lists.AsNoTracking().Where(l => l.Id == id)).FirstAsync(cancellationToken));
    }

    /// <summary>Deletes the list and its recipients, unless a campaign sends to it.</summary>
    public async Task<ServiceResult<int>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Lists.AnyAsync(l => l.Id == id, cancellationToken)) return ServiceResult<int>.NotFound();
        var campaigns = await db.Campaigns.Where(c => c.ListId == id).OrderBy(c => c.Name).Select(c => c.Name).ToListAsync(cancellationToken);
        if (campaigns.Count > 0) return ServiceResult<int>.Conflict($"The list is used by campaigns: {string.Join(", ", campaigns)}.");
        await db.Lists.Where(l => l.Id == id).ExecuteDeleteAsync(cancellationToken);
        return ServiceResult<int>.Saved(id);
    }

    private async Task<(int? GroupId, ServiceResult<ListView>? Problem)> CheckAsync(TritonDbContext db, int? id, ListInput input, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(input, cancellationToken);
        if (!validation.IsValid) return (null, ServiceResult<ListView>.Invalid(ValidationErrors.Of(validation)));
        var (groupId, groupError) = await GroupNames.ResolveAsync(db, GroupScope.List, input.Group, cancellationToken);
        if (groupError is not null) return (null, ServiceResult<ListView>.Invalid("group", groupError));
        if (await db.Lists.AnyAsync(l => l.Name == input.Name && l.Id != id, cancellationToken))
            return (null, ServiceResult<ListView>.Conflict($"A list named '{input.Name}' already exists."));
        return (groupId, null);
    }
}
