using System.Text.Json;
using Triton.Core.Domain;
using Triton.Core.Triggers;

namespace Triton.Web.Components.Triggers;

/// <summary>One row of a contract's variables table: the test value as the JSON text the user types.</summary>
public sealed class ContractVariableRow
{
    public string? Name { get; set; }
    public string TestValue { get; set; } = "\"\"";
    public string? Description { get; set; }
    public bool Required { get; set; } = true;

    /// <summary>Why the test value is not JSON, or null when it is (any JSON value: string, number, object...).</summary>
    public static string? TestValueError(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "A test value is required (JSON, e.g. \"text\", 42, true, {} or []).";
        try
        {
            using var _ = JsonDocument.Parse(text);
            return null;
        }
        catch (JsonException exception)
        {
            return $"Not valid JSON: {exception.Message.Split(" Path:")[0]}";
        }
    }
}

/// <summary>The contract editor's fields; converts to the API's <see cref="ContractInput"/> so one validator checks both.</summary>
public sealed class ContractFormModel
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public bool Strict { get; set; }
    public List<ContractVariableRow> Variables { get; set; } = [];

    public static ContractFormModel From(EventContract c) => new()
    {
        Name = c.Name,
        Description = c.Description,
        Strict = c.Strict,
        Variables = c.Variables.Select(v => new ContractVariableRow
        {
            Name = v.Name, TestValue = v.TestValue, Description = v.Description, Required = v.Required,
        }).ToList(),
    };

    /// <summary>
    /// The API input, or null with the rows whose test value is not JSON (keyed as the service keys
    /// its errors: variables[i].testValue), so nothing is saved until every value parses.
    /// </summary>
    public ContractInput? ToInput(IDictionary<string, string[]> errors)
    {
        var variables = new List<ContractVariableInput>();
        for (var i = 0; i < Variables.Count; i++)
        {
            var row = Variables[i];
            if (ContractVariableRow.TestValueError(row.TestValue) is { } error)
            {
                errors[$"variables[{i}].testValue"] = [error];
                continue;
            }
            using var value = JsonDocument.Parse(row.TestValue);
            variables.Add(new ContractVariableInput
            {
                Name = row.Name, TestValue = value.RootElement.Clone(), Description = row.Description, Required = row.Required,
            });
        }
        if (errors.Count > 0) return null;
        return new ContractInput { Name = Name, Description = Description, Strict = Strict, Variables = variables };
    }
}
