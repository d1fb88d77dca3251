namespace Triton.Core.Domain;

/// <summary>
/// What an application promises to send with one event (UserPasswordReset): the variables, each
/// with a test value. A strict contract also holds each value to its test value's JSON type.
/// </summary>
public sealed class EventContract
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public bool Strict { get; set; }
    public List<ContractVariable> Variables { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class ContractVariable
{
    public required string Name { get; set; }

    /// <summary>Any JSON value, as JSON text: used by trigger tests and, for strict contracts, as the type to match.</summary>
    public string TestValue { get; set; } = "null";
    public string? Description { get; set; }
    public bool Required { get; set; } = true;
}
