using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Core.Templates;

/// <summary>
/// Turns one campaign plus one recipient into an <see cref="OutgoingMessage"/>: the engine, the
/// preview and the test send all build messages here. Made once per run (template compiled, campaign
/// variables parsed, subjects compiled), then <see cref="Compose"/> runs per recipient from any thread.
/// </summary>
public sealed partial class MessageComposer
{
    private readonly Campaign _campaign;
    private readonly CompiledTemplate _body;
    private readonly CompiledTemplate? _text;
    private readonly CompiledTemplate[] _subjects;
    private readonly RenderContextBuilder _context;
    private readonly MailAddress _from;
    private readonly KeyValuePair<string, string>[] _headers;

    private MessageComposer(Campaign campaign, CompiledTemplate body, CompiledTemplate? text, CompiledTemplate[] subjects, RenderContextBuilder context)
    {
        _campaign = campaign;
        _body = body;
        _text = text;
        _subjects = subjects;
        _context = context;
        _from = new MailAddress(campaign.FromAddress, campaign.FromName);
        _headers = [.. campaign.CustomHeaders];
    }

    /// <summary>Prepares a campaign's messages; throws <see cref="TemplateCompileException"/> when the template or a subject does not compile.</summary>
    /// <param name="overrides">Variables laid over the campaign's (preview and test sends).</param>
    public static async Task<MessageComposer> CreateAsync(
        TemplateCache cache, TemplateCompiler compiler, TritonDbContext db, Campaign campaign,
        IReadOnlyDictionary<string, object?>? overrides, CancellationToken cancellationToken)
    {
        var body = await cache.GetAsync(db, campaign.TemplateId, cancellationToken);
        var text = await cache.GetTextAsync(db, campaign.TemplateId, cancellationToken);
        string? categoryName = null;
        if (campaign.TrackingCategoryId is { } categoryId)
            categoryName = await db.TrackingCategories.Where(c => c.Id == categoryId).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken);
        if (campaign.Subjects.Count == 0) throw new TemplateCompileException("The campaign has no subject.", 1, 1);
        var subjects = campaign.Subjects.Select((subject, index) =>
        {
            try { return compiler.Compile(subject); }
            catch (TemplateCompileException exception)
            {
                throw new TemplateCompileException($"Subject {index + 1}: {exception.Message}", exception.Line, exception.Column, exception);
            }
        }).ToArray();
        var context = new RenderContextBuilder(campaign.CustomVariables, campaign.TrackingCategoryId, categoryName);
        if (overrides is { Count: > 0 }) context = context.With(overrides);
        return new MessageComposer(campaign, body, text, subjects, context);
    }

    public SubjectPicker SubjectPicker(Random? random = null) => new(_campaign.SubjectMode, _subjects.Length, random);

    /// <summary>Renders one recipient's message; throws <see cref="TemplateRenderException"/> with the reason on failure.</summary>
    /// <param name="to">Where the message goes when not to the recipient rendered (test sends).</param>
    public OutgoingMessage Compose(string email, string? userId, string? fieldsJson, int subjectIndex, string? to = null)
    {
        var context = _context.Build(email, userId, fieldsJson);
        var subject = _subjects[Math.Clamp(subjectIndex, 0, _subjects.Length - 1)].Render(context);
        // Handlebars escapes for HTML; a subject is plain text, so undo the entity escaping there.
        subject = WebUtility.HtmlDecode(subject).ReplaceLineEndings(" ").Trim();
        return new OutgoingMessage
        {
            From = _from,
            To = new MailAddress(to ?? email),
            Subject = subject,
            Html = _body.Render(context),
            Text = _text?.Render(context),
            Headers = _headers,
        };
    }
}
