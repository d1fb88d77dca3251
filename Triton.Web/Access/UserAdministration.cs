using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Triton.Web.Access;

/// <summary>One row of the users page.</summary>
public sealed record UserSummary(string Id, string Email, string Role, DateTimeOffset? LockedUntil);

public enum UserChangeStatus { Done, NotFound, Refused }

/// <summary>What became of a change: done, no such user, or refused with the reason to show.</summary>
public sealed record UserChange(UserChangeStatus Status, string Message)
{
    public static UserChange Done(string message) => new(UserChangeStatus.Done, message);
    public static UserChange Refused(string message) => new(UserChangeStatus.Refused, message);
    public static readonly UserChange NotFound = new(UserChangeStatus.NotFound, "No such user.");
    public static UserChange From(IdentityResult result, string message) =>
        result.Succeeded ? Done(message) : Refused(string.Join(" ", result.Errors.Select(e => e.Description)));
}

/// <summary>
/// The users of the admin, for admins (roles, password resets, unlocks, deletes) and for each user's own
/// password. Every change to another user renews their security stamp, which the cookie check reads on
/// each request, so their open sessions end at once. There is always at least one admin, and an admin
/// cannot delete or demote their own account (another admin can).
/// </summary>
public sealed class UserAdministration(
    UserManager<AdminUser> users,
    SignInManager<AdminUser> signIn,
    AdminBootstrap bootstrap,
    AccessLock accessLock,
    TimeProvider time,
    ILogger<UserAdministration> logger)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = new List<UserSummary>();
        foreach (var user in await users.Users.OrderBy(u => u.Email).ToListAsync(cancellationToken))
            rows.Add(new UserSummary(user.Id, user.Email ?? user.UserName ?? user.Id,
                string.Join(", ", await users.GetRolesAsync(user)), user.LockoutEnd > now ? user.LockoutEnd : null));
        return rows;
    }

    public async Task<UserChange> CreateAsync(string email, string password, string role) =>
        UserChange.From(await bootstrap.CreateUserAsync(email.Trim(), password, role), $"Added {email.Trim()} as {role}.");

    public async Task<UserChange> ChangeRoleAsync(ClaimsPrincipal actor, string userId, string role, CancellationToken cancellationToken)
    {
        if (!AdminRoles.All.Contains(role)) return UserChange.Refused($"The role is one of {string.Join(", ", AdminRoles.All)}.");
        using var _ = await accessLock.EnterAsync(cancellationToken);
        if (await users.FindByIdAsync(userId) is not { } user) return UserChange.NotFound;
        var current = await users.GetRolesAsync(user);
        if (current.Count == 1 && current[0] == role) return UserChange.Done($"{user.Email} is already {role}.");
        if (current.Contains(AdminRoles.Admin) && role != AdminRoles.Admin)
        {
            if (IsSelf(actor, user)) return UserChange.Refused("You cannot take the Admin role from your own account; another admin can.");
            if (await IsLastAdminAsync()) return UserChange.Refused($"{user.Email} is the last admin; make another user Admin first.");
        }
        var removed = await users.RemoveFromRolesAsync(user, current);
        if (!removed.Succeeded) return UserChange.From(removed, "");
        var added = await users.AddToRoleAsync(user, role);
        if (!added.Succeeded) return UserChange.From(added, "");
        await users.UpdateSecurityStampAsync(user);
        logger.LogInformation("{Actor} changed the role of {Email} to {Role}", actor.Identity?.Name, user.Email, role);
        return UserChange.Done($"{user.Email} is now {role}; their sessions have ended.");
    }

    public async Task<UserChange> ResetPasswordAsync(ClaimsPrincipal actor, string userId, string newPassword, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user) return UserChange.NotFound;
        // A reset token validates the new password before the old one is replaced, and renews the stamp.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, newPassword ?? "");
        if (result.Succeeded)
            logger.LogInformation("{Actor} reset the password of {Email}", actor.Identity?.Name, user.Email);
        return UserChange.From(result, $"The password of {user.Email} was reset; their sessions have ended.");
    }

    public async Task<UserChange> UnlockAsync(ClaimsPrincipal actor, string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user) return UserChange.NotFound;
        var unlocked = await users.SetLockoutEndDateAsync(user, null);
        if (!unlocked.Succeeded) return UserChange.From(unlocked, "");
        var reset = await users.ResetAccessFailedCountAsync(user);
        logger.LogInformation("{Actor} unlocked {Email}", actor.Identity?.Name, user.Email);
        return UserChange.From(reset, $"{user.Email} is unlocked.");
    }

    public async Task<UserChange> DeleteAsync(ClaimsPrincipal actor, string userId, CancellationToken cancellationToken)
    {
        using var _ = await accessLock.EnterAsync(cancellationToken);
        if (await users.FindByIdAsync(userId) is not { } user) return UserChange.NotFound;
        if (IsSelf(actor, user)) return UserChange.Refused("You cannot delete your own account; another admin can.");
        if (await users.IsInRoleAsync(user, AdminRoles.Admin) && await IsLastAdminAsync())
            return UserChange.Refused($"{user.Email} is the last admin and cannot be deleted.");
        // With the user gone, the cookie check finds no user and ends their sessions.
        var result = await users.DeleteAsync(user);
        if (result.Succeeded)
            logger.LogInformation("{Actor} deleted the user {Email}", actor.Identity?.Name, user.Email);
        return UserChange.From(result, $"Deleted {user.Email}.");
    }

    /// <summary>
    /// A user changes their own password; their other sessions end. A plain request renews this one's cookie;
    /// an interactive page cannot set cookies (<paramref name="renewThisSession"/> false), so its session ends too.
    /// </summary>
    public async Task<UserChange> ChangeOwnPasswordAsync(ClaimsPrincipal me, string currentPassword, string newPassword, bool renewThisSession = true)
    {
        if (await users.GetUserAsync(me) is not { } user) return UserChange.NotFound;
        var result = await users.ChangePasswordAsync(user, currentPassword ?? "", newPassword ?? "");
        if (!result.Succeeded)
            return UserChange.Refused(result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))
                ? "The current password is wrong."
                : string.Join(" ", result.Errors.Select(e => e.Description)));
        if (!renewThisSession) return UserChange.Done("Your password was changed; sign in again with the new one.");
        await signIn.RefreshSignInAsync(user);
        return UserChange.Done("Your password was changed; your other sessions have ended.");
    }

    private bool IsSelf(ClaimsPrincipal actor, AdminUser user) => users.GetUserId(actor) == user.Id;

    private async Task<bool> IsLastAdminAsync() => (await users.GetUsersInRoleAsync(AdminRoles.Admin)).Count <= 1;
}
