using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core;

namespace Triton.Web.Access;

/// <summary>
/// The first admin: from Triton:Bootstrap on an empty user table, otherwise through the one-time
/// /setup page. There is never a default password.
/// </summary>
public sealed class AdminBootstrap(
    UserManager<AdminUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<TritonOptions> options,
    ILogger<AdminBootstrap> logger)
{
    public async Task<bool> NeedsSetupAsync(CancellationToken cancellationToken) =>
        !await users.Users.AnyAsync(cancellationToken);

    public async Task EnsureConfiguredAdminAsync(CancellationToken cancellationToken)
    {
        await EnsureRolesAsync();
        var bootstrap = options.Value.Bootstrap;
        if (string.IsNullOrWhiteSpace(bootstrap.AdminEmail) || string.IsNullOrEmpty(bootstrap.AdminPassword))
            return;
        if (await users.Users.AnyAsync(cancellationToken))
            return;
        var result = await CreateAdminAsync(bootstrap.AdminEmail, bootstrap.AdminPassword);
        if (result.Succeeded)
            logger.LogInformation("Created the first admin {Email} from configuration", bootstrap.AdminEmail);
        else
            logger.LogError("Could not create the configured admin: {Errors}", string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    /// <summary>Creates the first admin; refused once any user exists, so /setup works only once.</summary>
    public async Task<IdentityResult> CreateFirstAdminAsync(string email, string password, CancellationToken cancellationToken)
    {
        if (await users.Users.AnyAsync(cancellationToken))
            return IdentityResult.Failed(new IdentityError { Code = "SetupDone", Description = "Setup has already been completed." });
        return await CreateAdminAsync(email, password);
    }

    public async Task<IdentityResult> CreateUserAsync(string email, string password, string role)
    {
        await EnsureRolesAsync();
        var user = new AdminUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        return created.Succeeded ? await users.AddToRoleAsync(user, role) : created;
    }

    private Task<IdentityResult> CreateAdminAsync(string email, string password) =>
        CreateUserAsync(email, password, AdminRoles.Admin);

    private async Task EnsureRolesAsync()
    {
        foreach (var role in AdminRoles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
    }
}
