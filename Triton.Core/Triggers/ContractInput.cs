using System.Text.Json;

namespace Triton.Core.Triggers;

/// <summary>An event contract as the API and the admin submit it.</summary>
public sealed class ContractInput
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public bool? Strict { get; set; }
    public List<ContractVariableInput>? Variables { get; set; }
}

public sealed class ContractVariableInput
{
    public string? Name { get; set; }
    public JsonElement? TestValue { get; set; }
    public string? Description { get; set; }
    public bool? Required { get; set; }
}
