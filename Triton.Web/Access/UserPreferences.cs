using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace Triton.Web.Access;

/// <summary>A user's own settings: rows per page, the default test recipient and the time zone.</summary>
public sealed record UserSettings(int PageSize, string? DefaultTestRecipient, string? TimeZone)
{
    /// <summary>The time zone to show times in and read entered times from; UTC when unset or unknown.</summary>
    public TimeZoneInfo Zone => UserPreferences.ZoneOf(TimeZone);
}

/// <summary>
/// A signed-in user's own settings as interactive pages need them. Each read and write takes its own
/// scope, so a long-lived page (a circuit) holds no Identity context between calls.
/// </summary>
public sealed class UserPreferences(IServiceScopeFactory scopes)
{
    private readonly UserSettingsValidator validator = new();

    /// <summary>Rows per page when the user has no setting (or is not found).</summary>
    public const int DefaultPageSize = 50;
    public const int MinPageSize = 10;
    public const int MaxPageSize = 500;

    public async Task<int> PageSizeAsync(ClaimsPrincipal principal) => (await ReadAsync(principal)).PageSize;

    public async Task<UserSettings> ReadAsync(ClaimsPrincipal principal)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        var user = await users.GetUserAsync(principal);
        var pageSize = user?.PageSize is int size and > 0 ? Math.Min(size, MaxPageSize) : DefaultPageSize;
        return new UserSettings(pageSize, user?.DefaultTestRecipient, user?.TimeZone);
    }

    /// <summary>Where the user's test sends go unless they type another address; null when unset.</summary>
    public async Task<string?> DefaultTestRecipientAsync(ClaimsPrincipal principal) => (await ReadAsync(principal)).DefaultTestRecipient;

    /// <summary>Saves the user's settings; the value is the field errors (empty when saved).</summary>
    public async Task<IReadOnlyDictionary<string, string>> SaveAsync(ClaimsPrincipal principal, UserSettings settings)
    {
        var validation = await validator.ValidateAsync(settings);
        var errors = validation.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.First().ErrorMessage);
        if (errors.Count > 0) return errors;
        var recipient = string.IsNullOrWhiteSpace(settings.DefaultTestRecipient) ? null : settings.DefaultTestRecipient.Trim();
        var zone = string.IsNullOrWhiteSpace(settings.TimeZone) ? null : settings.TimeZone.Trim();

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>();
        if (await users.GetUserAsync(principal) is not { } user)
            return new Dictionary<string, string> { [""] = "Your account no longer exists." };
        user.PageSize = settings.PageSize;
        user.DefaultTestRecipient = recipient;
        user.TimeZone = zone;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) errors[""] = string.Join(" ", result.Errors.Select(e => e.Description));
        return errors;
    }

    /// <summary>The zone of an id, UTC when the id is unset or unknown here.</summary>
    public static TimeZoneInfo ZoneOf(string? id) =>
        id is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
