using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Mail.Mime;
using Triton.Core.Tracking;

namespace Triton.Core.Templates;

/// <summary>What a campaign or a trigger says about its messages, as the composer needs it.</summary>
public sealed record MessageSource(
    int TemplateId, IReadOnlyList<string> Subjects, SubjectMode SubjectMode, string FromAddress, string? FromName,
    IReadOnlyDictionary<string, string> CustomHeaders, string CustomVariables, int? TrackingCategoryId, string Kind,
    int SourceId = 0, bool TrackingEnabled = true)
{
    public static MessageSource Of(Campaign c) =>
        new(c.TemplateId, c.Subjects, c.SubjectMode, c.FromAddress, c.FromName, c.CustomHeaders, c.CustomVariables, c.TrackingCategoryId, "campaign",
            c.Id, c.TrackingEnabled);

    public static MessageSource Of(Trigger t) =>
        new(t.TemplateId, t.Subjects, t.SubjectMode, t.FromAddress, t.FromName, t.CustomHeaders, t.CustomVariables, t.TrackingCategoryId, "trigger",
            t.Id, t.TrackingEnabled);

    public TrackedSource TrackedAs => Kind == "trigger" ? TrackedSource.Trigger : TrackedSource.Campaign;
}

/// <summary>
/// Turns one campaign (or trigger) plus one recipient into an <see cref="OutgoingMessage"/>: the
/// engine, the transactional sender, the preview and the test send all build messages here. Made
/// once per run (template compiled, variables parsed, subjects compiled), then <see cref="Compose"/>
/// runs per recipient from any thread.
/// </summary>
public sealed partial class MessageComposer
{
    private readonly MessageSource _source;
    private readonly CompiledTemplate _body;
    private readonly CompiledTemplate? _text;
    private readonly CompiledTemplate[] _subjects;
    private readonly RenderContextBuilder _context;
    private readonly MailAddress _from;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly MessageTracker? _tracker;

    private MessageComposer(MessageSource source, CompiledTemplate body, CompiledTemplate? text, CompiledTemplate[] subjects, RenderContextBuilder context,
        MessageTracker? tracker)
    {
        _tracker = tracker;
        _source = source;
        _body = body;
        _text = text;
        _subjects = subjects;
        _context = context;
        _from = new MailAddress(source.FromAddress, source.FromName);
        _headers = [.. source.CustomHeaders];
    }

    /// <summary>Prepares a campaign's messages; throws <see cref="TemplateCompileException"/> when the template or a subject does not compile.</summary>
    /// <param name="overrides">Variables laid over the campaign's (preview and test sends).</param>
    public static Task<MessageComposer> CreateAsync(
        TemplateCache cache, TemplateCompiler compiler, TritonDbContext db, Campaign campaign,
        IReadOnlyDictionary<string, object?>? overrides, CancellationToken cancellationToken, TrackingLinks? tracking = null) =>
        CreateAsync(cache, compiler, db, MessageSource.Of(campaign), overrides, cancellationToken, tracking);

    /// <summary>Prepares the messages of a campaign or a trigger.</summary>
    /// <param name="tracking">Given when the messages will really be sent: their opens and clicks are tracked if the source says so.</param>
    public static async Task<MessageComposer> CreateAsync(
        TemplateCache cache, TemplateCompiler compiler, TritonDbContext db, MessageSource source,
        IReadOnlyDictionary<string, object?>? overrides, CancellationToken cancellationToken, TrackingLinks? tracking = null)
    {
        var body = await cache.GetAsync(db, source.TemplateId, cancellationToken);
        var text = await cache.GetTextAsync(db, source.TemplateId, cancellationToken);
        string? categoryName = null;
        if (source.TrackingCategoryId is { } categoryId)
            categoryName = await db.TrackingCategories.Where(c => c.Id == categoryId).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken);
        if (source.Subjects.Count == 0) throw new TemplateCompileException($"The {source.Kind} has no subject.", 1, 1);
        var subjects = source.Subjects.Select((subject, index) =>
        {
            try { return compiler.Compile(subject); }
            catch (TemplateCompileException exception)
            {
                throw new TemplateCompileException($"Subject {index + 1}: {exception.Message}", exception.Line, exception.Column, exception);
            }
        }).ToArray();
        var context = new RenderContextBuilder(source.CustomVariables, source.TrackingCategoryId, categoryName);
        if (overrides is { Count: > 0 }) context = context.With(overrides);
        var tracker = tracking is null || categoryName is null ? null
            : await tracking.ForAsync(source.TrackedAs, source.SourceId, source.TrackingCategoryId, source.TrackingEnabled, cancellationToken);
        return new MessageComposer(source, body, text, subjects, context, tracker);
    }

    public SubjectPicker SubjectPicker(Random? random = null) => new(_source.SubjectMode, _subjects.Length, random);

    /// <summary>Renders one recipient's message; throws <see cref="TemplateRenderException"/> with the reason on failure.</summary>
    /// <param name="to">Where the message goes when not to the recipient rendered (test sends).</param>
    /// <param name="extra">Values laid over everything else (a trigger's event name and variables).</param>
    /// <param name="trackingReference">The delivery (or transactional message) this message is: with a tracker, its opens and clicks are tracked.</param>
    /// <param name="envelope">This message's unsubscribe link, List-Unsubscribe headers and VERP return path, when sent for real.</param>
    public OutgoingMessage Compose(string email, string? userId, string? fieldsJson, int subjectIndex, string? to = null,
        IReadOnlyDictionary<string, object?>? extra = null, long? trackingReference = null, MessageEnvelope? envelope = null)
    {
        var context = _context.Build(email, userId, fieldsJson);
        context.UnsubscribeUrl = envelope?.UnsubscribeUrl;
        if (extra is not null)
            foreach (var (key, value) in extra) context[key] = value;
        var marks = _tracker is not null && trackingReference is { } reference ? _tracker.For(reference, userId) : null;
        context.TrackingPixelUrl = marks?.PixelUrl;
        var subject = _subjects[Math.Clamp(subjectIndex, 0, _subjects.Length - 1)].Render(context);
        // Handlebars escapes for HTML; a subject is plain text, so undo the entity escaping there.
        subject = WebUtility.HtmlDecode(subject).ReplaceLineEndings(" ").Trim();
        var html = _body.Render(context);
        var text = _text?.Render(context);
        if (marks is not null)
        {
            // The text part keeps the links as written (derived here from the HTML before its links change).
            text ??= HtmlToText.Convert(html);
            html = marks.Apply(html, context.TrackingPixelPlaced);
        }
        return new OutgoingMessage
        {
            From = _from,
            To = new MailAddress(to ?? email),
            Subject = subject,
            Html = html,
            Text = text,
            Headers = envelope is null ? _headers : [.. _headers, .. envelope.Headers()],
            ReturnPath = envelope?.ReturnPath,
        };
    }
}
