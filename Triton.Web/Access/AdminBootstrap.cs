using System.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core;

namespace Triton.Web.Access;

/// <summary>
/// The first admin: from Triton:Bootstrap on an empty user table, otherwise through the one-time
/// /setup page, which asks for the setup code from the log. There is never a default password.
/// </summary>
public sealed class AdminBootstrap(
    UserManager<AdminUser> users,
    RoleManager<IdentityRole> roles,
    AdminIdentityDbContext db,
    AccessLock accessLock,
    SetupCode setupCode,
    IOptions<TritonOptions> options,
    ILogger<AdminBootstrap> logger)
{
    public static readonly IdentityError SetupDone = new() { Code = "SetupDone", Description = "Setup has already been completed." };
    public static readonly IdentityError WrongCode = new() { Code = "SetupCode", Description = "The setup code is wrong. It is printed in the server's log at start." };

    public async Task<bool> NeedsSetupAsync(CancellationToken cancellationToken) =>
        !await users.Users.AnyAsync(cancellationToken);

    public async Task EnsureConfiguredAdminAsync(CancellationToken cancellationToken)
    {
        await EnsureRolesAsync();
        var bootstrap = options.Value.Bootstrap;
        if (!string.IsNullOrWhiteSpace(bootstrap.AdminEmail) && !string.IsNullOrEmpty(bootstrap.AdminPassword)
            && !await users.Users.AnyAsync(cancellationToken))
        {
            var result = await CreateUserAsync(bootstrap.AdminEmail, bootstrap.AdminPassword, AdminRoles.Admin);
            if (result.Succeeded)
                logger.LogInformation("Created the first admin {Email} from configuration", bootstrap.AdminEmail);
            else
                logger.LogError("Could not create the configured admin: {Errors}", string.Join("; ", result.Errors.Select(e => e.Description)));
        }
        if (await NeedsSetupAsync(cancellationToken))
            logger.LogWarning("No admin exists yet. Open /setup and enter this one-time setup code: {SetupCode}", setupCode.Value);
    }

    /// <summary>
    /// Creates the first admin when the setup code matches and no user exists; refused afterwards, so
    /// /setup works once. Concurrent attempts are serialized here and, across instances, by a
    /// serializable transaction: exactly one can win.
    /// </summary>
    public async Task<IdentityResult> CreateFirstAdminAsync(string email, string password, string? code, CancellationToken cancellationToken)
    {
        if (!setupCode.Matches(code))
            return IdentityResult.Failed(WrongCode);
        using var _ = await accessLock.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        if (await users.Users.AnyAsync(cancellationToken))
            return IdentityResult.Failed(SetupDone);
        var result = await CreateUserAsync(email, password, AdminRoles.Admin);
        if (result.Succeeded)
        {
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Created the first admin {Email} through /setup", email);
        }
        return result;
    }

    /// <summary>Creates a user with one role; the user administration and the bootstrap both come here.</summary>
    public async Task<IdentityResult> CreateUserAsync(string email, string password, string role)
    {
        if (!AdminRoles.All.Contains(role))
            return IdentityResult.Failed(new IdentityError { Code = "Role", Description = $"The role is one of {string.Join(", ", AdminRoles.All)}." });
        await EnsureRolesAsync();
        var user = new AdminUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        return created.Succeeded ? await users.AddToRoleAsync(user, role) : created;
    }

    private async Task EnsureRolesAsync()
    {
        foreach (var role in AdminRoles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }
}
