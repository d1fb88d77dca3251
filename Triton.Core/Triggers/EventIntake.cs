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
/// nothing (the <see cref="EventWriter"/> settles concurrent duplicates, a unique index those of other instances).
/// </summary>
public sealed class EventIntake(IDbContextFactory<TritonDbContext> contexts, EventWriter writer, TimeProvider time)
{
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    public const int MaxIdempotencyKeyLength = 200;

    public async Task<IntakeResult> PostAsync(string eventName, JsonElement body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrWhiteSpace(idempotencyKey) ? null : idempotencyKey.Trim();
        if (key is { Length: > MaxIdempotencyKeyLength })
            return Invalid("idempotencyKey", $"The Idempotency-Key header must be at most {MaxIdempotencyKeyLength} characters.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (key is not null && await ReplayAsync(db, key, cancellationToken) is { } replay) return replay;

        var contract = await db.EventContracts.AsNoTracking().FirstOrDefaultAsync(c => c.Name == eventName, cancellationToken);
        var trigger = contract is null ? null
            : await db.Triggers.AsNoTracking().FirstOrDefaultAsync(t => t.ActiveContractId == contract.Id, cancellationToken);
        if (contract is null || trigger is null) return new IntakeResult(IntakeStatus.NoTrigger, null, null);

        if (body.ValueKind != JsonValueKind.Object) return Invalid("$", "The body must be a JSON object with recipient and variables.");
        var recipient = body.TryGetProperty("recipient", out var r) ? r : default;
        var variables = body.TryGetProperty("variables", out var v) ? v : default;
        var errors = EventPayloadCheck.Check(contract, recipient, variables);
        if (errors.Count > 0) return new IntakeResult(IntakeStatus.Invalid, null, null, errors);

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
        // Stored together with the other requests of this moment, answered once committed.
        return await writer.WriteAsync(message, cancellationToken);
    }

    /// <summary>The first answer for a key seen within the window; a key older than that is released for reuse.</summary>
    private async Task<IntakeResult?> ReplayAsync(TritonDbContext db, string key, CancellationToken cancellationToken)
    {
        var earlier = await db.Messages.AsNoTracking().Where(m => m.IdempotencyKey == key)
            .Select(m => new { m.Id, m.MessageId, m.Status, m.CreatedAt }).FirstOrDefaultAsync(cancellationToken);
        if (earlier is null) return null;
        if (time.GetUtcNow() - earlier.CreatedAt < IdempotencyWindow)
            return new IntakeResult(IntakeStatus.Replayed, earlier.MessageId, earlier.Status);
        await db.Messages.Where(m => m.Id == earlier.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.IdempotencyKey, (string?)null), cancellationToken);
        return null;
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
