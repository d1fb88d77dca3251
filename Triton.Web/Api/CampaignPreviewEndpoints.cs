using System.Text.Json;
using Triton.Core;
using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Web.Api;

/// <param name="Variables">Laid over the campaign's custom variables.</param>
/// <param name="AsRecipient">email, user_id and list columns to render as; the list's first recipient when absent.</param>
/// <param name="RecipientId">Or a recipient of the campaign's list, by id, to render as.</param>
public sealed record PreviewInput(JsonElement? Variables, JsonElement? AsRecipient, long? RecipientId, int? SubjectIndex);

public sealed record TestSendInput(string? Email, JsonElement? Variables, JsonElement? AsRecipient, long? RecipientId, int? SubjectIndex);

public sealed record PreviewView(string Subject, string Html, string Text);

/// <summary>/api/campaigns/{id}/preview and /test: through <see cref="CampaignTester"/>, as the campaign page's test form.</summary>
public static class CampaignPreviewEndpoints
{
    public static RouteGroupBuilder MapCampaignPreviewEndpoints(this RouteGroupBuilder api)
    {
        var campaign = api.MapGroup("/campaigns/{id:int}");
        campaign.MapPost("/preview", PreviewAsync).RequireApiScope(ApiScope.Send);
        campaign.MapPost("/test", TestAsync).RequireApiScope(ApiScope.Send);
        return api;
    }

    private static async Task<IResult> PreviewAsync(int id, PreviewInput input, CampaignTester tester, CancellationToken cancellationToken)
    {
        var result = await tester.PreviewAsync(id, new CampaignTestInput
        {
            Variables = input.Variables, AsRecipient = input.AsRecipient, RecipientId = input.RecipientId, SubjectIndex = input.SubjectIndex ?? 0,
        }, cancellationToken);
        if (result.Status != ServiceStatus.Saved) return result.ToHttp("campaign", r => r);
        var rendering = result.Value!;
        return rendering.Message is { } message
            ? TypedResults.Ok(new PreviewView(message.Subject, message.Html ?? "", rendering.Text!))
            : TemplateProblem(rendering);
    }

    private static async Task<IResult> TestAsync(int id, TestSendInput input, CampaignTester tester, CancellationToken cancellationToken)
    {
        var result = await tester.SendAsync(id, new CampaignTestInput
        {
            Email = input.Email, Variables = input.Variables, AsRecipient = input.AsRecipient, RecipientId = input.RecipientId,
            SubjectIndex = input.SubjectIndex ?? 0,
        }, cancellationToken);
        if (result.Status != ServiceStatus.Saved) return result.ToHttp("campaign", r => r);
        var (rendering, sent) = result.Value!;
        if (sent is not { } s) return TemplateProblem(rendering);
        return s.Outcome == SendOutcome.Accepted
            ? TypedResults.Ok(new { outcome = s.Outcome, reply = s.Reply })
            : TypedResults.Problem(title: $"The test message was not accepted ({s.Outcome}).", detail: s.Reply, statusCode: StatusCodes.Status502BadGateway);
    }

    /// <summary>422: the template does not compile (with its line and column) or failed to render.</summary>
    private static IResult TemplateProblem(CampaignRendering rendering) => rendering.Compiles
        ? TypedResults.Problem(title: "The template failed to render.", detail: rendering.Error, statusCode: StatusCodes.Status422UnprocessableEntity)
        : TypedResults.Problem(title: "The template does not compile.", detail: rendering.Error, statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["line"] = rendering.Line, ["column"] = rendering.Column });
}
