using System.Text.Json;
using Triton.Core.Domain;

namespace Triton.Core.Lists;

/// <summary>Turns raw values (an API object or a CSV row) into a Recipient of one list, or says why not.</summary>
public sealed class RecipientRows
{
    private readonly Dictionary<string, string> _columns;
    private readonly int _listId;
    private readonly DateTimeOffset _now;

    public RecipientRows(int listId, IEnumerable<string> columns, DateTimeOffset now)
    {
        _listId = listId;
        _now = now;
        // Values arrive under any casing; they are stored under the column's own name.
        _columns = columns.ToDictionary(c => c, c => c, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The list's column name for a header or property name, or null when the list has no such column.</summary>
    public string? Column(string name) =>
        ListColumnRules.Reserved.Contains(name) ? name.ToLowerInvariant() : _columns.GetValueOrDefault(name);

    /// <param name="values">Column name (as the list names it, plus email and user_id) to value.</param>
    public (Recipient? Recipient, string? Error) Create(IReadOnlyDictionary<string, string?> values)
    {
        var email = values.GetValueOrDefault("email")?.Trim();
        if (string.IsNullOrEmpty(email)) return (null, "The email address is missing.");
        if (!EmailAddresses.IsValid(email)) return (null, $"'{email}' is not a valid email address.");
        var userId = values.GetValueOrDefault("user_id")?.Trim();
        if (userId is { Length: > 200 }) return (null, "user_id is longer than 200 characters.");

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
            if (!ListColumnRules.Reserved.Contains(name)) fields[name] = value;
        return (new Recipient
        {
            ListId = _listId,
            Email = email,
            EmailKey = EmailAddresses.Key(email),
            UserId = string.IsNullOrEmpty(userId) ? null : userId,
            Fields = JsonSerializer.Serialize(fields),
            CreatedAt = _now,
        }, null);
    }
}

/// <summary>The address rules every way into a list shares.</summary>
public static class EmailAddresses
{
    public static bool IsValid(string address)
    {
        if (address.Length > 320 || address.Any(char.IsWhiteSpace)) return false;
        var at = address.LastIndexOf('@');
        if (at < 1 || at == address.Length - 1 || !address[(at + 1)..].Contains('.')) return false;
        return System.Net.Mail.MailAddress.TryCreate(address, out var parsed) && parsed.Address == address && parsed.DisplayName.Length == 0;
    }

    /// <summary>The per-list uniqueness key: the whole address lower-cased.</summary>
    public static string Key(string address) => address.Trim().ToLowerInvariant();
}
