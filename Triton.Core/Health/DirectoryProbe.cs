using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail.Pickup;

namespace Triton.Core.Health;

/// <summary>
/// Checks that Triton can write where it has to: the data directory, the default pickup folder, the
/// folders of pickup transports, and the archive. Each check creates and deletes a small file, so a
/// read-only mount, a full disk or wrong permissions all show, which looking at mode bits would not.
/// A folder not created yet is checked by the nearest folder above it that exists: Triton creates it there.
/// </summary>
public sealed class DirectoryProbe(IOptions<TritonOptions> triton, HealthDirectories configured, IDbContextFactory<TritonDbContext> contexts)
{
    public async Task<List<DirectoryState>> ProbeAsync(CancellationToken cancellationToken)
    {
        var options = triton.Value;
        var folders = new List<(string Name, string Path)>
        {
            ("data", options.ResolveDataPath()),
            ("pickup", PickupDirectories.Resolve(options, null)),
            ("archive", configured.Archive),
        };
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var pickups = await db.Transports.AsNoTracking()
                .Where(t => t.Kind == TransportKind.Pickup && t.PickupDirectory != null)
                .Select(t => new { t.Name, t.PickupDirectory }).ToListAsync(cancellationToken);
            foreach (var transport in pickups)
                if (PickupDirectories.TryResolve(options, transport.PickupDirectory) is { } path && folders.All(f => f.Path != path))
                    folders.Add(("pickup: " + transport.Name, path));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The database check reports this; the fixed folders are still worth knowing about.
        }
        return folders.Select(f => Probe(f.Name, f.Path)).ToList();
    }

    public static DirectoryState Probe(string name, string path)
    {
        var existing = path;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                return new DirectoryState(name, path, false, "A file, not a folder, is in the way.");
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) return new DirectoryState(name, path, false, "No part of the path exists.");
            existing = parent;
        }
        var probe = Path.Combine(existing, ".triton-write-check-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
                file.WriteByte(0);
            return new DirectoryState(name, path, true, null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new DirectoryState(name, path, false, Reason(exception));
        }
    }

    private static string Reason(Exception exception) => exception switch
    {
        UnauthorizedAccessException => "Permission denied.",
        IOException io when (io.HResult & 0xFFFF) == 30 => "Read-only file system.",
        IOException io when (io.HResult & 0xFFFF) == 28 => "No space left on the device.",
        _ => exception.GetType().Name + ": " + exception.Message,
    };
}

/// <summary>Folders configured outside the Triton section that the probe checks too.</summary>
/// <param name="Archive">Archive:Directory, resolved under the data directory (default &lt;data&gt;/archive).</param>
public sealed record HealthDirectories(string Archive);
