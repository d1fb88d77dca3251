namespace Triton.Core.Mail.Pickup;

/// <summary>
/// Pickup transports write only inside the data directory. A relative folder resolves under it (blank means
/// &lt;data&gt;/pickup); whatever the folder looks like, its full path after resolving ".." must stay inside.
/// </summary>
public static class PickupDirectories
{
    public const string DefaultFolder = "pickup";

    public const string Rule = "The pickup directory must be inside the data directory (relative paths are resolved under it).";

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The full path of a configured pickup folder, or null when it is not a path inside the data directory.</summary>
    public static string? TryResolve(TritonOptions options, string? configured)
    {
        try
        {
            var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));
            var folder = string.IsNullOrWhiteSpace(configured) ? DefaultFolder : configured.Trim();
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder, root));
            // Compared with a separator after the root, so a sibling such as "<data>-old" is not inside "<data>".
            var inside = full.Equals(root, PathComparison)
                || full.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, PathComparison);
            return inside ? full : null;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    /// <summary>The full path of a configured pickup folder.</summary>
    /// <exception cref="InvalidOperationException">The folder is outside the data directory (a row stored before the rule).</exception>
    public static string Resolve(TritonOptions options, string? configured) =>
        TryResolve(options, configured) ?? throw new InvalidOperationException($"Pickup directory '{configured}': {Rule}");
}
