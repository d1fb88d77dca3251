namespace Triton.Core.Domain;

public sealed class Recipient
{
    public long Id { get; set; }
    public int ListId { get; set; }
    public required string Email { get; set; }

    /// <summary>Lower-cased address; unique per list so one address is never doubled.</summary>
    public required string EmailKey { get; set; }

    public string? UserId { get; set; }

    /// <summary>Custom column values as a JSON object keyed by column name.</summary>
    public string Fields { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }
}
