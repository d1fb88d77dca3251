using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Triggers;

public enum IntakeStatus { Accepted, Replayed, NoTrigger, Invalid }

/// <summary>The answer to one posted event; <see cref="Errors"/> keyed by field path when invalid.</summary>
public sealed record IntakeResult(IntakeStatus Status, string? MessageId, MessageStatus? MessageStatus, IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>
/// Takes an application's event: finds the active trigger of its contract, holds the payload to the
/// contract before anything is stored, stores the message queued for the sender, and answers with
/// its id. The same Idempotency-Key within 24 hours answers the first answer again and stores
/// nothing: the <see cref="EventWriter"/> settles keys already stored and concurrent duplicates, a
/// unique index those of other instances. An event that would be refused is looked up by its key
/// first, so a repeat still gets the first answer after its trigger was deactivated.
/// </summary>
public sealed class EventIntake(IDbContextFactory<TritonDbContext> contexts, EventRoutes routes, EventWriter writer, TimeProvider time)
{
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    public const int MaxIdempotencyKeyLength = 200;

    public async Task<IntakeResult> PostAsync(string eventName, JsonElement body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey.Trim();
        if (key is { Length: > MaxIdempotencyKeyLength })
            return Invalid("idempotencyKey", $"The Idempotency-Key header must be at most {MaxIdempotencyKeyLength} characters.");

        var route = await routes.FindAsync(eventName, cancellationToken);
        if (route is null) return await ReplayOrAsync(key, new IntakeResult(IntakeStatus.NoTrigger, null, null), cancellationToken);
        var (contract, trigger) = route;

        if (body.ValueKind != JsonValueKind.Object)
            return await ReplayOrAsync(key, Invalid("$", "The body must be a JSON object with recipient and variables."), cancellationToken);
        var recipient = body.TryGetProperty("recipient", out var r) ? r : default;
        var variables = body.TryGetProperty("variables", out var v) ? v : default;
        var errors = EventPayloadCheck.Check(contract, recipient, variables);
        if (errors.Count > 0) return await ReplayOrAsync(key, new IntakeResult(IntakeStatus.Invalid, null, null, errors), cancellationToken);

        var now = time.GetUtcNow();
        var (email, userId, fields) = RecipientParts(recipient);
        var message = new TransactionalMessage
        {
            MessageId = NewMessageId(),
            TriggerId = trigger.Id,
            EventName = contract.Name,
            Email = email,
            UserId = userId,
            Fields = fields,
            Variables = variables.ValueKind == JsonValueKind.Object ? variables.GetRawText() : "{}",
            IdempotencyKey = key,
            Status = MessageStatus.Queued,
            CreatedAt = now,
            UpdatedAt = now,
        };
        // Stored together with the other requests of this moment (a stored key answers its first answer), answered once committed.
        return await writer.WriteAsync(message, cancellationToken);
    }

    /// <summary>The first answer for a key seen within the window, else the refusal; only refused events read here.</summary>
    private async Task<IntakeResult> ReplayOrAsync(string? key, IntakeResult refusal, CancellationToken cancellationToken)
    {
        if (key is null) return refusal;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var earlier = await db.Messages.AsNoTracking().Where(m => m.IdempotencyKey == key)
            .Select(m => new { m.MessageId, m.Status, m.CreatedAt }).FirstOrDefaultAsync(cancellationToken);
        return earlier is not null && time.GetUtcNow() - earlier.CreatedAt < IdempotencyWindow
            ? new IntakeResult(IntakeStatus.Replayed, earlier.MessageId, earlier.Status)
            : refusal;
    }

    private static (string Email, string? UserId, string Fields) RecipientParts(JsonElement recipient)
    {
        string email = "";
        string? userId = null;
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in recipient.EnumerateObject())
        {
            if (property.NameEquals("email")) email = property.Value.GetString()!.Trim();
            else if (property.NameEquals("user_id")) userId = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            else fields[property.Name] = property.Value;
        }
        return (email, userId, JsonSerializer.Serialize(fields));
    }

    private static string NewMessageId() => "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static IntakeResult Invalid(string field, string error) =>
        new(IntakeStatus.Invalid, null, null, new Dictionary<string, string[]> { [field] = [error] });
}
