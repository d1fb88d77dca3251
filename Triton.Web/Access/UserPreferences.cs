using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace Triton.Web.Access;

/// <summary>
/// A signed-in user's own settings as interactive pages need them. Each read takes its own scope, so a
/// long-lived page (a circuit) holds no Identity context between reads.
/// </summary>
public sealed class UserPreferences(IServiceScopeFactory scopes)
{
    /// <summary>Rows per page when the user has no setting (or is not found).</summary>
    public const int DefaultPageSize = 25;

    public async Task<int> PageSizeAsync(ClaimsPrincipal principal)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var user = await users.GetUserAsync(principal);
        return user?.PageSize is int size and > 0 ? Math.Min(size, 500) : DefaultPageSize;
    }

    /// <summary>Where the user's test sends go unless they type another address; null when unset.</summary>
    public async Task<string?> DefaultTestRecipientAsync(ClaimsPrincipal principal)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var user = await users.GetUserAsync(principal);
        return string.IsNullOrWhiteSpace(user?.DefaultTestRecipient) ? null : user.DefaultTestRecipient;
    }
}
