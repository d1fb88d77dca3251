using System.Security.Claims;

namespace Triton.Web.Access;

public static class AdminPrincipal
{
    /// <summary>Admins and editors change things; viewers only look.</summary>
    public static bool MayEdit(this ClaimsPrincipal user) => user.IsInRole(AdminRoles.Admin) || user.IsInRole(AdminRoles.Editor);
}
