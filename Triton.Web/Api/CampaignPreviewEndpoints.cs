using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Lists;
using Triton.Core.Mail;
using Triton.Core.Templates;

namespace Triton.Web.Api;

/// <param name="Variables">Laid over the campaign's custom variables.</param>
/// <param name="AsRecipient">email, user_id and list columns to render as; the list's first recipient when absent.</param>
public sealed record PreviewInput(JsonElement? Variables, JsonElement? AsRecipient, int? SubjectIndex);

public sealed record TestSendInput(string Email, JsonElement? Variables, JsonElement? AsRecipient);

public sealed record PreviewView(string Subject, string Html, string Text);

/// <summary>/api/campaigns/{id}/preview and /test: render (and send) exactly as the engine would.</summary>
public static class CampaignPreviewEndpoints
{
    public static RouteGroupBuilder MapCampaignPreviewEndpoints(this RouteGroupBuilder api)
    {
        var campaign = api.MapGroup("/campaigns/{id:int}");
        campaign.MapPost("/preview", PreviewAsync).RequireApiScope(Triton.Core.Domain.ApiScope.Send);
        campaign.MapPost("/test", TestAsync).RequireApiScope(Triton.Core.Domain.ApiScope.Send);
        return api;
    }

    private static async Task<IResult> PreviewAsync(int id, PreviewInput input, TritonDbContext db, TemplateCache cache, TemplateCompiler compiler, CancellationToken cancellationToken)
    {
        var (message, problem) = await ComposeAsync(id, input.Variables, input.AsRecipient, null, input.SubjectIndex ?? 0, db, cache, compiler, cancellationToken);
        if (problem is not null) return problem;
        return TypedResults.Ok(new PreviewView(message!.Subject, message.Html ?? "", Triton.Core.Mail.Mime.MimeMessageBuilder.TextOf(message!)));
    }

    private static async Task<IResult> TestAsync(int id, TestSendInput input, TritonDbContext db, TemplateCache cache, TemplateCompiler compiler,
        IMailTransports transports, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Email) || !EmailAddresses.IsValid(input.Email.Trim()))
            return GroupReferences.Invalid("email", "A valid email address is required.");
        var (message, problem) = await ComposeAsync(id, input.Variables, input.AsRecipient, input.Email.Trim(), 0, db, cache, compiler, cancellationToken);
        if (problem is not null) return problem;
        var transportId = await db.Campaigns.Where(c => c.Id == id).Select(c => c.TransportId).FirstAsync(cancellationToken);
        var transport = await db.Transports.AsNoTracking().FirstOrDefaultAsync(t => t.Id == transportId, cancellationToken);
        if (transport is null) return GroupReferences.Invalid("transportId", "The campaign's transport does not exist.");
        // The row's shared transport: a test message takes its turn under the same throttle as the
        // campaigns on it, and the transport stays the registry's to close.
        var result = await transports.For(transport).SendAsync(message!, cancellationToken);
        return result.Outcome == SendOutcome.Accepted
            ? TypedResults.Ok(new { outcome = result.Outcome, reply = result.Reply })
            : TypedResults.Problem(title: $"The test message was not accepted ({result.Outcome}).", detail: result.Reply, statusCode: StatusCodes.Status502BadGateway);
    }

    private static async Task<(OutgoingMessage? Message, IResult? Problem)> ComposeAsync(
        int id, JsonElement? variables, JsonElement? asRecipient, string? to, int subjectIndex,
        TritonDbContext db, TemplateCache cache, TemplateCompiler compiler, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null) return (null, TypedResults.NotFound());
        if (variables is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
            return (null, GroupReferences.Invalid("variables", "Variables must be a JSON object."));

        string email;
        string? userId;
        string fields;
        if (asRecipient is { ValueKind: JsonValueKind.Object } recipient)
        {
            var values = JsonValues.ToPlainObject(recipient);
            email = values.GetValueOrDefault("email") as string ?? to ?? "preview@example.com";
            userId = values.GetValueOrDefault("user_id")?.ToString();
            values.Remove("email");
            values.Remove("user_id");
            fields = JsonSerializer.Serialize(values);
        }
        else if (await db.Recipients.AsNoTracking().Where(r => r.ListId == campaign.ListId).OrderBy(r => r.Id).FirstOrDefaultAsync(cancellationToken) is { } first)
        {
            (email, userId, fields) = (first.Email, first.UserId, first.Fields);
        }
        else
        {
            (email, userId, fields) = (to ?? "preview@example.com", null, "{}");
        }

        try
        {
            var composer = await MessageComposer.CreateAsync(cache, compiler, db, campaign, JsonValues.ToPlainObject(variables), cancellationToken);
            return (composer.Compose(email, userId, fields, subjectIndex, to), null);
        }
        catch (TemplateCompileException exception)
        {
            return (null, TypedResults.Problem(title: "The template does not compile.", detail: exception.Message,
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["line"] = exception.Line, ["column"] = exception.Column }));
        }
        catch (TemplateRenderException exception)
        {
            return (null, TypedResults.Problem(title: "The template failed to render.", detail: exception.Message, statusCode: StatusCodes.Status422UnprocessableEntity));
        }
    }
}
