using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Web.Api;

/// <summary>Resources name their group; the group must exist and be of the resource's scope.</summary>
public static class GroupReferences
{
    /// <returns>The group id (null for no group), or the 400 problem naming the group field.</returns>
    public static async Task<(int? Id, IResult? Problem)> ResolveAsync(TritonDbContext db, string? name, GroupScope scope, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name)) return (null, null);
        var group = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Name == name, cancellationToken);
        if (group is null)
            return (null, Invalid("group", $"There is no group named '{name}'."));
        if (group.Scope != scope)
            return (null, Invalid("group", $"The group '{name}' holds {group.Scope.ToString().ToLowerInvariant()}s, not {scope.ToString().ToLowerInvariant()}s."));
        return (group.Id, null);
    }

    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
