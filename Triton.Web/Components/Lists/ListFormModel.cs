using Triton.Web.Api;

namespace Triton.Web.Components.Lists;

/// <summary>
/// The new-list form as HTML posts it: custom columns as text, one name per line, converted to the
/// API's ListInput so the same validator (ListColumnRules) checks both.
/// </summary>
public sealed class ListFormModel
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Group { get; set; }

    /// <summary>Custom column names, one per line (commas also separate); email and user_id are implicit.</summary>
    public string? Columns { get; set; }

    public ListInput ToInput() => new(
        (Name ?? "").Trim(),
        string.IsNullOrWhiteSpace(Description) ? null : Description.Trim(),
        string.IsNullOrWhiteSpace(Group) ? null : Group.Trim(),
        [.. (Columns ?? "").Split(['\n', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]);

    /// <summary>Maps a validator's property path (Columns, Columns[0]) to the form field.</summary>
    public static string FieldOf(string propertyName)
    {
        var head = propertyName.Split('[', '.')[0];
        return typeof(ListFormModel).GetProperties()
            .FirstOrDefault(p => string.Equals(p.Name, head, StringComparison.OrdinalIgnoreCase))?.Name ?? "";
    }
}
