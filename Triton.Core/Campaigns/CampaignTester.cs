using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;
using Triton.Core.Templates;

namespace Triton.Core.Campaigns;

/// <summary>
/// A campaign rendered for a preview or a test: the message with its plain-text part as sent, or the
/// template's error (a compile error has its line and column; a render error has none).
/// </summary>
public sealed record CampaignRendering(OutgoingMessage? Message, string? Text, string? Error, bool Compiles = true, int? Line = null, int? Column = null)
{
    public static CampaignRendering Of(OutgoingMessage message) => new(message, MimeMessageBuilder.TextOf(message), null);

    /// <summary>The HTML and text, or the error, as the template editor's preview shows them.</summary>
    public TemplatePreviewResult Preview => new(Message?.Html ?? "", Text, Error, Line, Column);
}

/// <summary>A test send: what was rendered, and the transport's answer (none when the template failed, so nothing was sent).</summary>
public sealed record CampaignTestSend(CampaignRendering Rendering, SendResult? Sent);

/// <summary>
/// The preview and test send of a campaign, for the API and the campaign page alike: renders exactly as
/// the engine would (the campaign's template, subjects, sender and headers, its variables with any
/// overridden) as a chosen recipient, and sends such a message to any address through the campaign's
/// shared transport. A test message is no delivery: the campaign's counters and history do not change.
/// </summary>
public sealed class CampaignTester(IDbContextFactory<TritonDbContext> contexts, TemplateCache templates, TemplateCompiler compiler, IMailTransports transports)
{
    /// <summary>Whom a preview is addressed to when no recipient says.</summary>
    public const string PreviewAddress = "preview@example.com";

    public async Task<ServiceResult<CampaignRendering>> PreviewAsync(int campaignId, CampaignTestInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null) return ServiceResult<CampaignRendering>.NotFound();
        if (await ErrorsAsync(db, campaign, input, sending: false, cancellationToken) is { } errors) return ServiceResult<CampaignRendering>.Invalid(errors);
        return ServiceResult<CampaignRendering>.Saved(await RenderAsync(db, campaign, input, null, cancellationToken));
    }

    /// <summary>Renders as <see cref="PreviewAsync"/> does and sends to <see cref="CampaignTestInput.Email"/>; a template that fails sends nothing.</summary>
    public async Task<ServiceResult<CampaignTestSend>> SendAsync(int campaignId, CampaignTestInput input, CancellationToken cancellationToken)
    {
        CampaignRendering rendering;
        Transport? transport;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
            if (campaign is null) return ServiceResult<CampaignTestSend>.NotFound();
            if (await ErrorsAsync(db, campaign, input, sending: true, cancellationToken) is { } errors) return ServiceResult<CampaignTestSend>.Invalid(errors);
            rendering = await RenderAsync(db, campaign, input, input.Email!.Trim(), cancellationToken);
            if (rendering.Message is null) return ServiceResult<CampaignTestSend>.Saved(new(rendering, null));
            transport = await db.Transports.AsNoTracking().FirstOrDefaultAsync(t => t.Id == campaign.TransportId, cancellationToken);
        }
        if (transport is null) return ServiceResult<CampaignTestSend>.Invalid("transportId", "The campaign's transport does not exist.");
        // The row's shared transport: a test message takes its turn under the same throttle as the
        // campaigns on it, and the transport stays the registry's to close.
        var sent = await transports.For(transport).SendAsync(rendering.Message, cancellationToken);
        return ServiceResult<CampaignTestSend>.Saved(new(rendering, sent));
    }

    private static async Task<Dictionary<string, string[]>?> ErrorsAsync(TritonDbContext db, Campaign campaign, CampaignTestInput input, bool sending,
        CancellationToken cancellationToken)
    {
        var result = await new CampaignTestInputValidator(db, campaign.ListId, sending).ValidateAsync(input, cancellationToken);
        return result.IsValid ? null : ValidationErrors.Of(result);
    }

    /// <param name="to">Where a test message goes; null for a preview.</param>
    private async Task<CampaignRendering> RenderAsync(TritonDbContext db, Campaign campaign, CampaignTestInput input, string? to, CancellationToken cancellationToken)
    {
        var (email, userId, fields) = await RecipientAsync(db, campaign, input, to, cancellationToken);
        try
        {
            var composer = await MessageComposer.CreateAsync(templates, compiler, db, campaign, JsonValues.ToPlainObject(input.Variables), cancellationToken);
            return CampaignRendering.Of(composer.Compose(email, userId, fields, input.SubjectIndex, to));
        }
        catch (TemplateCompileException exception)
        {
            return new CampaignRendering(null, null, exception.Message, Compiles: false, exception.Line, exception.Column);
        }
        catch (TemplateRenderException exception)
        {
            return new CampaignRendering(null, null, exception.Message);
        }
    }

    /// <summary>The recipient rendered as: given by value, chosen from the list, else the list's first (or a placeholder on an empty list).</summary>
    private static async Task<(string Email, string? UserId, string Fields)> RecipientAsync(TritonDbContext db, Campaign campaign, CampaignTestInput input,
        string? to, CancellationToken cancellationToken)
    {
        if (input.AsRecipient is { ValueKind: JsonValueKind.Object } recipient)
        {
            var values = JsonValues.ToPlainObject(recipient);
            var email = values.GetValueOrDefault("email") as string ?? to ?? PreviewAddress;
            var userId = values.GetValueOrDefault("user_id")?.ToString();
            values.Remove("email");
            values.Remove("user_id");
            return (email, userId, JsonSerializer.Serialize(values));
        }
        var rows = db.Recipients.AsNoTracking().Where(r => r.ListId == campaign.ListId);
        rows = input.RecipientId is { } id ? rows.Where(r => r.Id == id) : rows.OrderBy(r => r.Id);
        return await rows.FirstOrDefaultAsync(cancellationToken) is { } row
            ? (row.Email, row.UserId, row.Fields)
            : (to ?? PreviewAddress, null, "{}");
    }
}
