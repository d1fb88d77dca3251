using FluentValidation.Results;

namespace Triton.Web.Components.Forms;

/// <summary>A form's errors by field name ("" for the form as a whole), shown beside each field.</summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public IReadOnlyList<string> For(string field) => errors.TryGetValue(field, out var list) ? list : [];

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>Adds a validator's failures, each under the form field its property path names.</summary>
    public void Add(ValidationResult result, Func<string, string> fieldOf)
    {
        foreach (var failure in result.Errors) Add(fieldOf(failure.PropertyName), failure.ErrorMessage);
    }

    /// <summary>The form property a validator's path (Name, subjects[0], customHeaders['X']) starts with, or "".</summary>
    public static string FieldOf<TForm>(string propertyName)
    {
        var head = propertyName.Split('[', '.')[0];
        return typeof(TForm).GetProperties()
            .FirstOrDefault(p => string.Equals(p.Name, head, StringComparison.OrdinalIgnoreCase))?.Name ?? "";
    }
}
