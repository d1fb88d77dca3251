using System.Text.Json;

namespace Triton.Core.Templates;

/// <summary>
/// Builds the per-recipient rendering context of one campaign run. The campaign's variables are
/// parsed once when the builder is made; per recipient only the list fields are parsed.
/// Precedence, lowest first: campaign variables, list columns, then email, user_id and tracking.
/// </summary>
public sealed class RenderContextBuilder
{
    private readonly Dictionary<string, object?> _shared;

    public RenderContextBuilder(string? customVariablesJson, int? trackingCategoryId = null, string? trackingCategoryName = null)
    {
        _shared = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(customVariablesJson))
        {
            using var document = JsonDocument.Parse(customVariablesJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ArgumentException("Custom variables must be a JSON object.", nameof(customVariablesJson));
            foreach (var property in document.RootElement.EnumerateObject())
                _shared[property.Name] = JsonValues.ToPlain(property.Value);
        }
        TrackingCategoryId = trackingCategoryId;
        TrackingCategoryName = trackingCategoryName;
    }

    public int? TrackingCategoryId { get; }
    public string? TrackingCategoryName { get; }

    /// <summary>A new builder with these variables laid over the campaign's (preview and test overrides).</summary>
    public RenderContextBuilder With(IReadOnlyDictionary<string, object?> overrides)
    {
        var builder = new RenderContextBuilder(null, TrackingCategoryId, TrackingCategoryName);
        foreach (var (key, value) in _shared) builder._shared[key] = value;
        foreach (var (key, value) in overrides) builder._shared[key] = value;
        return builder;
    }

    /// <param name="fieldsJson">Recipient.Fields: custom column values keyed by column name.</param>
    public RenderContext Build(string email, string? userId, string? fieldsJson)
    {
        var context = new RenderContext(_shared.Count + 8);
        foreach (var (key, value) in _shared) context[key] = value;
        if (!string.IsNullOrEmpty(fieldsJson) && fieldsJson != "{}") AddFields(context, fieldsJson);
        context["email"] = email;
        context["user_id"] = userId;
        context["tracking_category_id"] = TrackingCategoryId;
        context["tracking_category_name"] = TrackingCategoryName;
        return context;
    }

    /// <summary>
    /// The recipient's columns, read straight off the JSON (one per message sent, so no document is built).
    /// </summary>
    private static void AddFields(RenderContext context, string fieldsJson)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(fieldsJson));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("A recipient's fields must be a JSON object.");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!.ToLowerInvariant();
            reader.Read();
            context[name] = JsonValues.ReadPlain(ref reader);
        }
    }
}

/// <summary>Turns System.Text.Json values into dictionaries, lists and scalars Handlebars.Net can walk.</summary>
public static class JsonValues
{
    public static object? ToPlain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject()
            .ToDictionary(p => p.Name, p => ToPlain(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>
    /// The value the reader stands on, as <see cref="ToPlain"/> gives it, read off the reader: a scalar without building an
    /// element, a nested object or array through <see cref="ToPlain"/>. Leaves the reader on the value's last token.
    /// </summary>
    public static object? ReadPlain(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => reader.TryGetInt64(out var integer) ? integer : reader.GetDouble(),
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => ToPlain(JsonElement.ParseValue(ref reader)),
    };

    /// <summary>Reads a JSON object (preview and test variables) into plain values.</summary>
    public static Dictionary<string, object?> ToPlainObject(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } value) return [];
        return value.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value), StringComparer.Ordinal);
    }
}
