using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Groups;

/// <summary>Objects name their group; this resolves the name within the object's scope.</summary>
public static class GroupNames
{
    /// <summary>The groups of one scope by name, for filters and pickers.</summary>
    public static async Task<List<Campaigns.GroupChoice>> ChoicesAsync(TritonDbContext db, GroupScope scope, CancellationToken ct) =>
        await db.Groups.AsNoTracking().Where(g => g.Scope == scope).OrderBy(g => g.Name)
            .Select(g => new Campaigns.GroupChoice(g.Id, g.Name)).ToListAsync(ct);

    public static async Task<int?> FindAsync(TritonDbContext db, GroupScope scope, string? name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var trimmed = name.Trim();
        return await db.Groups.Where(g => g.Scope == scope && g.Name == trimmed).Select(g => (int?)g.Id).FirstOrDefaultAsync(ct);
    }

    public static async Task<bool> ExistsOrEmptyAsync(TritonDbContext db, GroupScope scope, string? name, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(name) || await FindAsync(db, scope, name, ct) is not null;

    /// <summary>The named group's id (null for no group), or why the name cannot be used, for the <c>group</c> field.</summary>
    public static async Task<(int? Id, string? Error)> ResolveAsync(TritonDbContext db, GroupScope scope, string? name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) return (null, null);
        var group = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Name == name, ct);
        if (group is null) return (null, $"There is no group named '{name}'.");
        if (group.Scope != scope)
            return (null, $"The group '{name}' holds {group.Scope.ToString().ToLowerInvariant()}s, not {scope.ToString().ToLowerInvariant()}s.");
        return (group.Id, null);
    }
}
