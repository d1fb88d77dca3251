using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Groups;

/// <summary>
/// Creating, renaming and deleting groups: the one entry point the HTTP API and the admin pages call.
/// A group that holds objects keeps its scope; deleting a group clears it from what it held.
/// </summary>
public sealed class GroupService(IDbContextFactory<TritonDbContext> contexts)
{
    /// <summary>Every group (of one scope when given), by scope and name.</summary>
    public async Task<IReadOnlyList<Group>> ListAsync(GroupScope? scope, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Groups.AsNoTracking();
        if (scope is { } s) query = query.Where(g => g.Scope == s);
        return await query.OrderBy(g => g.Scope).ThenBy(g => g.Name).ToListAsync(cancellationToken);
    }

    public async Task<Group?> FindAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
    }

    public async Task<ServiceResult<Group>> CreateAsync(GroupInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await ErrorsAsync(db, input, null, cancellationToken) is { } errors) return ServiceResult<Group>.Invalid(errors);
        EnumNames.TryParse<GroupScope>(input.Scope, out var scope);
        var group = new Group { Name = input.Name!.Trim(), Scope = scope };
        db.Groups.Add(group);
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<Group>.Saved(group);
    }

    public async Task<ServiceResult<Group>> UpdateAsync(int id, GroupInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (group is null) return ServiceResult<Group>.NotFound();
        if (await ErrorsAsync(db, input, id, cancellationToken) is { } errors) return ServiceResult<Group>.Invalid(errors);
        EnumNames.TryParse<GroupScope>(input.Scope, out var scope);
        if (scope != group.Scope && await GroupUsage.IsUsedAsync(db, group, cancellationToken))
            return ServiceResult<Group>.Conflict($"The group holds {EnumNames.Name(group.Scope)}s; its scope cannot change.", "scope");
        group.Name = input.Name!.Trim();
        group.Scope = scope;
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<Group>.Saved(group);
    }

    /// <summary>Deletes the group; what it held stays, without a group. The value is the deleted id.</summary>
    public async Task<ServiceResult<int>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var group = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (group is null) return ServiceResult<int>.NotFound();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Transports and categories keep a plain group id (no foreign key): clear it with the group.
        await db.Transports.Where(t => t.GroupId == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.GroupId, (int?)null), cancellationToken);
        await db.TrackingCategories.Where(c => c.GroupId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.GroupId, (int?)null), cancellationToken);
        db.Groups.Remove(group);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ServiceResult<int>.Saved(id);
    }

    private static async Task<Dictionary<string, string[]>?> ErrorsAsync(TritonDbContext db, GroupInput input, int? editedId, CancellationToken cancellationToken)
    {
        var result = await new GroupInputValidator(db).ValidateAsync(EditedEntity.For(input, editedId), cancellationToken);
        return result.IsValid ? null : ValidationErrors.Of(result);
    }
}
