namespace Triton.Core;

/// <summary>The "Triton" section of appsettings.json.</summary>
public sealed class TritonOptions
{
    public const string Section = "Triton";

    /// <summary>Where the SQLite file, the pickup folder, the archive and the key ring live.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Base URL for tracking and unsubscribe links; empty means the request's own.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// <see cref="PublicUrl"/> without its trailing slash when it is an absolute http(s) address, else null: links
    /// in messages must point somewhere a recipient can reach, and a background job has no request to take it from.
    /// </summary>
    public string? PublicBaseUrl =>
        PublicUrl?.Trim().TrimEnd('/') is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? url
            : null;

    /// <summary>Bearer secret of the cron endpoint; unset turns the endpoint off (404).</summary>
    public string? CronSecret { get; set; }

    /// <summary>Secret that seals and opens .triton export files (the same on both instances); unset refuses export and import.</summary>
    public string? TransferKey { get; set; }

    public BootstrapOptions Bootstrap { get; set; } = new();

    /// <summary>
    /// Disk space (MB) kept in the data directory and given up when the disk fills, so the results
    /// of sent messages and the campaign's pause can still be written; 0 turns it off.
    /// </summary>
    public int StorageReserveMegabytes { get; set; } = 8;

    /// <summary>
    /// How long a presented API key's row is kept before it is read again: revoking a key on another
    /// instance refuses it here within this time (on this instance at once); 0 reads it on every request.
    /// </summary>
    public int ApiKeyCacheSeconds { get; set; } = 2;

    public string ResolveDataPath(params string[] parts) =>
        Path.GetFullPath(Path.Combine([DataDirectory, .. parts]));
}

/// <summary>First admin and API key, created on an empty database only.</summary>
public sealed class BootstrapOptions
{
    public string? AdminEmail { get; set; }
    public string? AdminPassword { get; set; }
    public string? ApiKey { get; set; }
}
