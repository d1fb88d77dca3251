using System.Buffers;
using System.Text;
using System.Text.Json;
using Triton.Core.Domain;

namespace Triton.Core.Lists;

/// <summary>
/// Turns raw values (an API object or a CSV row) into a Recipient of one list, or says why not.
/// One per request or import: it reuses one JSON buffer from row to row.
/// </summary>
public sealed class RecipientRows
{
    private readonly Dictionary<string, string> _columns;
    private readonly int _listId;
    private readonly DateTimeOffset _now;
    private readonly ArrayBufferWriter<byte> _json = new(256);
    private readonly Utf8JsonWriter _writer;

    public RecipientRows(int listId, IEnumerable<string> columns, DateTimeOffset now)
    {
        _listId = listId;
        _now = now;
        // Values arrive under any casing; they are stored under the column's own name.
        _columns = columns.ToDictionary(c => c, c => c, StringComparer.OrdinalIgnoreCase);
        _writer = new Utf8JsonWriter(_json);
    }

    /// <summary>The list's column name for a header or property name, or null when the list has no such column.</summary>
    public string? Column(string name) =>
        ListColumnRules.Reserved.Contains(name) ? name.ToLowerInvariant() : _columns.GetValueOrDefault(name);

    /// <param name="values">Column name (as <see cref="Column"/> names it: the list's own, email, user_id) to value.</param>
    public (Recipient? Recipient, string? Error) Create(IReadOnlyDictionary<string, string?> values)
    {
        var email = values.GetValueOrDefault("email")?.Trim();
        if (string.IsNullOrEmpty(email)) return (null, "The email address is missing.");
        if (!EmailAddresses.IsValid(email)) return (null, $"{ReportedValue.Quote(email)} is not a valid email address.");
        var userId = values.GetValueOrDefault("user_id")?.Trim();
        if (userId is { Length: > 200 }) return (null, "user_id is longer than 200 characters.");

        return (new Recipient
        {
            ListId = _listId,
            Email = email,
            EmailKey = EmailAddresses.Key(email),
            UserId = string.IsNullOrEmpty(userId) ? null : userId,
            Fields = FieldsJson(values),
            CreatedAt = _now,
        }, null);
    }

    /// <summary>The list's own columns as a JSON object of strings (email and user_id have columns of their own).</summary>
    private string FieldsJson(IReadOnlyDictionary<string, string?> values)
    {
        // Written straight from the values, a million times in an import: no dictionary per row.
        _json.ResetWrittenCount();
        _writer.Reset(_json);
        _writer.WriteStartObject();
        foreach (var (name, value) in values)
            if (name is not ("email" or "user_id")) _writer.WriteString(name, value);
        _writer.WriteEndObject();
        _writer.Flush();
        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }
}
