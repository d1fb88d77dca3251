using System.Text.Json;

namespace Triton.Web.Components.Campaigns;

/// <summary>A campaign's custom variables as the rows of a <see cref="NameValueTable"/> (text, or JSON where marked), and back.</summary>
public static class VariableRows
{
    /// <summary>The rows of a variables object as stored (JSON text); none for blank or anything but an object.</summary>
    public static List<NameValueRow> Of(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object) return [];
        return document.RootElement.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String
            ? new NameValueRow { Name = p.Name, Value = p.Value.GetString()! }
            : new NameValueRow { Name = p.Name, Value = p.Value.GetRawText(), IsJson = true }).ToList();
    }

    /// <summary>
    /// The rows (blank ones left out) as one JSON object; a value marked JSON that is not, or a name there twice,
    /// adds its error under <paramref name="field"/> and is left out.
    /// </summary>
    public static JsonElement ToJson(IEnumerable<NameValueRow> rows, string field, IDictionary<string, string[]> errors)
    {
        var variables = new Dictionary<string, JsonElement>();
        foreach (var row in rows.Where(r => r.Name.Trim().Length > 0 || r.Value.Length > 0))
        {
            JsonElement value;
            try
            {
                value = row.IsJson ? JsonDocument.Parse(row.Value).RootElement.Clone() : JsonSerializer.SerializeToElement(row.Value);
            }
            catch (JsonException)
            {
                errors[field] = [$"The value of '{row.Name.Trim()}' is not JSON."];
                continue;
            }
            if (!variables.TryAdd(row.Name.Trim(), value))
                errors[field] = [$"The variable '{row.Name.Trim()}' is there twice."];
        }
        return JsonSerializer.SerializeToElement(variables);
    }
}
