using Microsoft.AspNetCore.Identity;
using Triton.Web.Access;

namespace Triton.Web.Admin;

/// <summary>Plain HTML form posts of the admin that are actions rather than pages. Campaign actions are buttons of the interactive campaign page.</summary>
public static class AdminForms
{
    public static void MapAdminForms(this IEndpointRouteBuilder app)
    {
        app.MapPost("/logout", async (SignInManager<AdminUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/login");
        }).RequireAntiforgery();
    }
}
