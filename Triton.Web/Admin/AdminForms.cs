using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Identity;
using Triton.Core.Campaigns;
using Triton.Web.Access;

namespace Triton.Web.Admin;

/// <summary>Plain HTML form posts of the admin that are actions rather than pages.</summary>
public static class AdminForms
{
    public static void MapAdminForms(this IEndpointRouteBuilder app)
    {
        app.MapPost("/logout", async (SignInManager<AdminUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/login");
        }).RequireAntiforgery();

        var campaigns = app.MapGroup("/campaigns/{id:int}")
            .RequireAuthorization(AdminRoles.CanEdit)
            .RequireAntiforgery();
        campaigns.MapPost("/run", (int id, [FromServices] ICampaignCommands commands, CancellationToken ct) =>
            Act(id, () => commands.RunAsync(id, ct)));
        campaigns.MapPost("/pause", (int id, [FromServices] ICampaignCommands commands, CancellationToken ct) =>
            Act(id, () => commands.PauseAsync(id, ct)));
        campaigns.MapPost("/stop", (int id, [FromServices] ICampaignCommands commands, CancellationToken ct) =>
            Act(id, () => commands.StopAsync(id, ct)));
        campaigns.MapPost("/retry-failed", (int id, [FromServices] ICampaignCommands commands, CancellationToken ct) =>
            Act(id, () => commands.RetryFailedAsync(id, ct)));
    }

    /// <summary>Back to the campaign page, carrying the refusal reason if the action was refused.</summary>
    private static async Task<IResult> Act(int id, Func<Task<CampaignCommandResult>> action)
    {
        var result = await action();
        return result.Status switch
        {
            CommandStatus.Done => Results.LocalRedirect($"/campaigns/{id}"),
            CommandStatus.NotFound => Results.NotFound(),
            _ => Results.LocalRedirect($"/campaigns/{id}?notice={Uri.EscapeDataString(result.Reason ?? "Refused.")}"),
        };
    }
}
