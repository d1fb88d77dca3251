using Triton.Core.Access;
using Triton.Web.Access;

namespace Triton.Web.Admin;

/// <summary>
/// The users and API keys pages' row actions as plain form posts (admins only, antiforgery checked),
/// each answered with a redirect back to its page carrying what happened.
/// </summary>
public static class AccessAdminEndpoints
{
    public static IEndpointRouteBuilder MapAccessAdmin(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users/{id}")
            .RequireAuthorization(AdminRoles.CanAdminister)
            .RequireAntiforgery();
        users.MapPost("/role", async (string id, HttpContext http, UserAdministration admin, CancellationToken ct) =>
            Back(await admin.ChangeRoleAsync(http.User, id, await FieldAsync(http, "role", ct), ct)));
        users.MapPost("/password", async (string id, HttpContext http, UserAdministration admin, CancellationToken ct) =>
            Back(await admin.ResetPasswordAsync(http.User, id, await FieldAsync(http, "password", ct), ct)));
        users.MapPost("/unlock", async (string id, HttpContext http, UserAdministration admin, CancellationToken ct) =>
            Back(await admin.UnlockAsync(http.User, id, ct)));
        users.MapPost("/delete", async (string id, HttpContext http, UserAdministration admin, CancellationToken ct) =>
            Back(await admin.DeleteAsync(http.User, id, ct)));

        app.MapPost("/api-keys/{id:int}/revoke", async (int id, ApiKeyService keys, CancellationToken ct) =>
                await keys.RevokeAsync(id, ct)
                    ? Results.LocalRedirect("/api-keys?notice=" + Uri.EscapeDataString("The key was revoked."))
                    : Results.NotFound())
            .RequireAuthorization(AdminRoles.CanAdminister)
            .RequireAntiforgery();
        return app;
    }

    private static async Task<string> FieldAsync(HttpContext http, string name, CancellationToken ct) =>
        http.Request.HasFormContentType ? (await http.Request.ReadFormAsync(ct))[name].ToString() : "";

    private static IResult Back(UserChange change) => change.Status == UserChangeStatus.NotFound
        ? Results.NotFound()
        : Results.LocalRedirect("/users?" + (change.Status == UserChangeStatus.Done ? "notice=" : "error=") + Uri.EscapeDataString(change.Message));
}
