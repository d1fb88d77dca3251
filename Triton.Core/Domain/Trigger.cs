namespace Triton.Core.Domain;

/// <summary>
/// Handles one event: renders its template for the event's recipient and sends it through its
/// transport. At most one active trigger per event.
/// </summary>
public sealed class Trigger
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int? GroupId { get; set; }
    public int ContractId { get; set; }
    public int TemplateId { get; set; }
    public int TransportId { get; set; }
    public int? TrackingCategoryId { get; set; }

    /// <summary>Opens and clicks are tracked when the trigger has a category and this is on.</summary>
    public bool TrackingEnabled { get; set; } = true;
    public List<string> Subjects { get; set; } = [];
    public SubjectMode SubjectMode { get; set; }
    public required string FromAddress { get; set; }
    public string? FromName { get; set; }
    public Dictionary<string, string> CustomHeaders { get; set; } = [];

    /// <summary>A JSON object laid under the event's variables.</summary>
    public string CustomVariables { get; set; } = "{}";
    public bool Active { get; set; }

    /// <summary>
    /// Whether the suppression list (unsubscribes, complaints, manual entries) stops this trigger's
    /// messages too; hard bounces stop them whatever this says.
    /// </summary>
    public bool HonorSuppressions { get; set; }

    /// <summary>The contract's id while active, null otherwise: a unique index keeps one active trigger per event.</summary>
    public int? ActiveContractId { get; set; }

    /// <summary>When the trigger was last rendered with its contract's test values, and the error if it failed.</summary>
    public DateTimeOffset? LastTestAt { get; set; }
    public string? LastTestError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
