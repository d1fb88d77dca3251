using System.Security.Claims;

namespace Triton.Web.Access;

public static class AdminPrincipal
{
    /// <summary>Admins and editors change things; viewers only look.</summary>
    public static bool MayEdit(this ClaimsPrincipal user) => user.IsInRole(AdminRoles.Admin) || user.IsInRole(AdminRoles.Editor);

    /// <summary>Transports hold credentials and decide where Triton connects: only admins change or test them.</summary>
    public static bool MayChangeTransports(this ClaimsPrincipal user) => user.IsInRole(AdminRoles.Admin);
}
