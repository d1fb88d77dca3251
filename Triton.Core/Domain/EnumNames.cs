namespace Triton.Core.Domain;

/// <summary>Enum values as the API and forms spell them: lower-case names, never numbers.</summary>
public static class EnumNames
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || !char.IsLetter(text[0])) return false;
        return Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    public static bool IsValid<T>(string? text) where T : struct, Enum => TryParse<T>(text, out _);

    public static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    public static string List<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Name));
}
