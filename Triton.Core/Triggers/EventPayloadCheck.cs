using System.Text.Json;
using Triton.Core.Domain;
using Triton.Core.Lists;

namespace Triton.Core.Triggers;

/// <summary>
/// Holds an event's payload to its contract before anything is stored: the recipient needs a valid
/// email; every required variable must be there; a strict contract also wants each value of the
/// JSON type of its test value (string, number, boolean, array, object), nested objects and array
/// items included. Answers every problem at once, keyed by the path of the field.
/// </summary>
public static class EventPayloadCheck
{
    public static Dictionary<string, string[]> Check(EventContract contract, JsonElement recipient, JsonElement variables)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (recipient.ValueKind != JsonValueKind.Object)
            errors["recipient"] = ["The recipient must be an object with at least an email."];
        else if (!recipient.TryGetProperty("email", out var email) || email.ValueKind != JsonValueKind.String
                 || !EmailAddresses.IsValid(email.GetString()!.Trim()))
            errors["recipient.email"] = ["The recipient needs a valid email address."];

        if (variables.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            errors["variables"] = ["Variables must be a JSON object."];
            return errors;
        }
        foreach (var variable in contract.Variables)
        {
            var path = "variables." + variable.Name;
            if (variables.ValueKind != JsonValueKind.Object || !variables.TryGetProperty(variable.Name, out var value) || value.ValueKind == JsonValueKind.Undefined)
            {
                if (variable.Required) errors[path] = [$"The variable '{variable.Name}' is required by the contract."];
                continue;
            }
            if (!contract.Strict) continue;
            using var test = JsonDocument.Parse(variable.TestValue);
            CheckType(path, test.RootElement, value, errors);
        }
        return errors;
    }

    private static void CheckType(string path, JsonElement expected, JsonElement actual, Dictionary<string, string[]> errors)
    {
        var want = Kind(expected);
        if (want is null) return; // a null test value fixes no type
        var got = Kind(actual);
        if (got != want)
        {
            errors[path] = [$"Expected {Article(want)} {want} (like the contract's test value), got {Describe(got)}."];
            return;
        }
        if (want == "object")
        {
            foreach (var property in expected.EnumerateObject())
            {
                var child = path + "." + property.Name;
                if (!actual.TryGetProperty(property.Name, out var value))
                    errors[child] = [$"'{property.Name}' is missing (the contract's test value has it)."];
                else
                    CheckType(child, property.Value, value, errors);
            }
        }
        else if (want == "array" && expected.GetArrayLength() > 0)
        {
            var item = expected[0];
            var index = 0;
            foreach (var element in actual.EnumerateArray())
                CheckType($"{path}[{index++}]", item, element, errors);
        }
    }

    private static string? Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => null,
    };

    private static string Article(string kind) => kind is "array" or "object" ? "an" : "a";

    private static string Describe(string? kind) => kind is null ? "null" : $"{Article(kind)} {kind}";
}
