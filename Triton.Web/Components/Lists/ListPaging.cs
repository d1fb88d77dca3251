using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Triton.Web.Access;

namespace Triton.Web.Components.Lists;

/// <summary>Rows per page of the admin's recipient tables: the signed-in user's own setting.</summary>
public static class ListPaging
{
    public const int DefaultPageSize = 50;

    public static async Task<int> PageSizeAsync(UserManager<AdminUser> users, ClaimsPrincipal principal) =>
        await users.GetUserAsync(principal) is { PageSize: > 0 } user ? Math.Min(user.PageSize, 500) : DefaultPageSize;
}
