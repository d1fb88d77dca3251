using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Groups;

/// <summary>Objects name their group; this resolves the name within the object's scope.</summary>
public static class GroupNames
{
    public static async Task<int?> FindAsync(TritonDbContext db, GroupScope scope, string? name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var trimmed = name.Trim();
        return await db.Groups.Where(g => g.Scope == scope && g.Name == trimmed).Select(g => (int?)g.Id).FirstOrDefaultAsync(ct);
    }

    public static async Task<bool> ExistsOrEmptyAsync(TritonDbContext db, GroupScope scope, string? name, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(name) || await FindAsync(db, scope, name, ct) is not null;
}
