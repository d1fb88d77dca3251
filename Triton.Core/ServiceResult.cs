namespace Triton.Core;

public enum ServiceStatus { Saved, NotFound, Invalid, Conflict }

/// <summary>
/// What an application service answers the API and the pages alike: the saved value, or why not
/// (no such row, field errors keyed by the field as the body names it, or a conflict with a reason and,
/// when one field is at stake, that field's name).
/// </summary>
public sealed record ServiceResult<T>(ServiceStatus Status, T? Value, IReadOnlyDictionary<string, string[]>? Errors, string? Reason, string? Field = null)
{
    public static ServiceResult<T> Saved(T value) => new(ServiceStatus.Saved, value, null, null);
    public static ServiceResult<T> NotFound() => new(ServiceStatus.NotFound, default, null, null);
    public static ServiceResult<T> Invalid(IReadOnlyDictionary<string, string[]> errors) => new(ServiceStatus.Invalid, default, errors, null);
    public static ServiceResult<T> Invalid(string field, string error) => Invalid(new Dictionary<string, string[]> { [field] = [error] });
    public static ServiceResult<T> Conflict(string reason, string? field = null) => new(ServiceStatus.Conflict, default, null, reason, field);
}

/// <summary>FluentValidation failures keyed by field, camelCase as the JSON body names it.</summary>
public static class ValidationErrors
{
    public static Dictionary<string, string[]> Of(FluentValidation.Results.ValidationResult result) =>
        result.Errors.GroupBy(e => CamelCase(e.PropertyName)).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());

    /// <summary>"Variables[0].Name" to "variables[0].name": property names only, never dictionary keys.</summary>
    public static string CamelCase(string path)
    {
        var chars = path.ToCharArray();
        var depth = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '[') depth++;
            else if (chars[i] == ']') depth--;
            else if (depth == 0 && (i == 0 || chars[i - 1] == '.')) chars[i] = char.ToLowerInvariant(chars[i]);
        }
        return new string(chars);
    }
}
