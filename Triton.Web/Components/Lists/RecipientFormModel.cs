using System.Text.Json;
using Triton.Core.Domain;

namespace Triton.Web.Components.Lists;

/// <summary>One recipient as the add and edit forms post it: email, user_id and the list's custom columns by position.</summary>
public sealed class RecipientFormModel
{
    public string? Email { get; set; }
    public string? UserId { get; set; }

    /// <summary>Values of the list's custom columns, in the list's column order.</summary>
    public List<string?> Values { get; set; } = [];

    public static RecipientFormModel From(Recipient recipient, IReadOnlyList<string> columns)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, string?>>(recipient.Fields) ?? [];
        return new()
        {
            Email = recipient.Email,
            UserId = recipient.UserId,
            Values = [.. columns.Select(c => fields.GetValueOrDefault(c))],
        };
    }

    /// <summary>The raw values RecipientRows.Create takes: email, user_id and each custom column by name.</summary>
    public Dictionary<string, string?> ToValues(IReadOnlyList<string> columns)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal) { ["email"] = Email, ["user_id"] = UserId };
        for (var i = 0; i < columns.Count; i++)
        {
            var value = i < Values.Count ? Values[i] : null;
            values[columns[i]] = string.IsNullOrEmpty(value) ? null : value;
        }
        return values;
    }

    /// <summary>The field a RecipientRows error is about.</summary>
    public static string FieldOf(string error) =>
        error.Contains("user_id", StringComparison.Ordinal) ? nameof(UserId) : nameof(Email);
}
