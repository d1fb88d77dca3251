using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Triton.Core.Data;

/// <summary>
/// A few megabytes of real disk blocks held in the data directory and given up the moment a
/// write fails for lack of space, so that what must still be written on a full disk (the results
/// of messages already sent, the campaign's pause and its reason) has room. Taken again when a
/// campaign starts and the disk has room for it. Size: Triton:StorageReserveMegabytes (0: off).
/// </summary>
public sealed class StorageReserve(IOptions<TritonOptions> options, ILogger<StorageReserve> logger)
{
    private readonly Lock _gate = new();

    public string Path => options.Value.ResolveDataPath("storage-reserve");

    private long Size => options.Value.StorageReserveMegabytes * 1024L * 1024L;

    public bool IsHeld => Size > 0 && File.Exists(Path) && new FileInfo(Path).Length >= Size;

    /// <summary>Frees the reserve (a write just failed for lack of space).</summary>
    public void Release()
    {
        lock (_gate)
        {
            try
            {
                if (!File.Exists(Path)) return;
                File.Delete(Path);
                logger.LogWarning("The disk of the data directory is full: released the {Megabytes} MB storage reserve so results and pauses can be written",
                    options.Value.StorageReserveMegabytes);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(exception, "Releasing the storage reserve {Path} failed", Path);
            }
        }
    }

    /// <summary>Takes the reserve when it is missing and the disk has room for it and as much again.</summary>
    public void TryHold()
    {
        if (Size <= 0) return;
        lock (_gate)
        {
            try
            {
                if (IsHeld) return;
                var directory = System.IO.Path.GetDirectoryName(Path)!;
                Directory.CreateDirectory(directory);
                if (new DriveInfo(directory).AvailableFreeSpace < Size * 2) return;
                // Written, not just sized: a sparse file would hold no blocks to give back.
                var block = new byte[1024 * 1024];
                using var file = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.None);
                for (long written = 0; written < Size; written += block.Length) file.Write(block);
                file.Flush(flushToDisk: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                logger.LogDebug(exception, "The storage reserve could not be taken");
                try { File.Delete(Path); } catch (IOException) { }
            }
        }
    }
}
