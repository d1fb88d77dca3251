using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Groups;

/// <summary>Whether a group holds objects of its scope: such a group cannot change scope.</summary>
public static class GroupUsage
{
    public static async Task<bool> IsUsedAsync(TritonDbContext db, Group group, CancellationToken ct) => group.Scope switch
    {
        GroupScope.Campaign => await db.Campaigns.AnyAsync(c => c.GroupId == group.Id, ct),
        GroupScope.Template => await db.Templates.AnyAsync(t => t.GroupId == group.Id, ct),
        GroupScope.List => await db.Lists.AnyAsync(l => l.GroupId == group.Id, ct),
        GroupScope.Transport => await db.Transports.AnyAsync(t => t.GroupId == group.Id, ct),
        GroupScope.Category => await db.TrackingCategories.AnyAsync(c => c.GroupId == group.Id, ct),
        _ => false,
    };
}
