using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Lists;
using Triton.Core.Mail;
using Triton.Core.Templates;

namespace Triton.Core.Triggers;

/// <summary>A trigger rendered for a test: the message, or the template's error (with its line when the compiler knows it).</summary>
public sealed record TriggerRendering(OutgoingMessage? Message, string? Error, int? Line = null);

/// <summary>
/// Renders a trigger as an event would, with its contract's test values (any of them overridden),
/// and sends such a message to a test address through the trigger's shared transport.
/// </summary>
public sealed class TriggerTester(IDbContextFactory<TritonDbContext> contexts, TemplateCache templates, TemplateCompiler compiler, IMailTransports transports)
{
    public async Task<ServiceResult<TriggerRendering>> RenderAsync(int triggerId, string? email, JsonElement? variables, CancellationToken cancellationToken)
    {
        if (variables is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
            return ServiceResult<TriggerRendering>.Invalid("variables", "Variables must be a JSON object.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var trigger = await db.Triggers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == triggerId, cancellationToken);
        if (trigger is null) return ServiceResult<TriggerRendering>.NotFound();
        var contract = await db.EventContracts.AsNoTracking().FirstAsync(c => c.Id == trigger.ContractId, cancellationToken);

        var values = new Dictionary<string, object?>(StringComparer.Ordinal) { ["dc_name"] = contract.Name };
        foreach (var variable in contract.Variables)
        {
            using var test = JsonDocument.Parse(variable.TestValue);
            values[variable.Name] = JsonValues.ToPlain(test.RootElement);
        }
        if (variables is { ValueKind: JsonValueKind.Object } overrides)
            foreach (var property in overrides.EnumerateObject()) values[property.Name] = JsonValues.ToPlain(property.Value);
        try
        {
            var composer = await MessageComposer.CreateAsync(templates, compiler, db, MessageSource.Of(trigger), null, cancellationToken);
            var to = string.IsNullOrWhiteSpace(email) ? "test@example.com" : email.Trim();
            return ServiceResult<TriggerRendering>.Saved(new TriggerRendering(composer.Compose(to, null, "{}", 0, extra: values), null));
        }
        catch (Exception exception) when (exception is TemplateCompileException or TemplateRenderException)
        {
            return ServiceResult<TriggerRendering>.Saved(new TriggerRendering(null, exception.Message, (exception as TemplateCompileException)?.Line));
        }
    }

    /// <summary>Renders with the test values and sends to <paramref name="email"/>; the send's result, or why it could not be made.</summary>
    public async Task<ServiceResult<(TriggerRendering Rendering, SendResult? Sent)>> SendAsync(int triggerId, string? email, JsonElement? variables, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email) || !EmailAddresses.IsValid(email.Trim()))
            return ServiceResult<(TriggerRendering, SendResult?)>.Invalid("email", "A valid email address is required.");
        var rendered = await RenderAsync(triggerId, email, variables, cancellationToken);
        if (rendered.Status != ServiceStatus.Saved)
            return new ServiceResult<(TriggerRendering, SendResult?)>(rendered.Status, default, rendered.Errors, rendered.Reason);
        if (rendered.Value!.Message is not { } message) return ServiceResult<(TriggerRendering, SendResult?)>.Saved((rendered.Value, null));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var transportId = await db.Triggers.Where(t => t.Id == triggerId).Select(t => t.TransportId).FirstAsync(cancellationToken);
        var row = await db.Transports.AsNoTracking().FirstAsync(t => t.Id == transportId, cancellationToken);
        var sent = await transports.For(row).SendAsync(message, cancellationToken);
        return ServiceResult<(TriggerRendering, SendResult?)>.Saved((rendered.Value, sent));
    }
}
