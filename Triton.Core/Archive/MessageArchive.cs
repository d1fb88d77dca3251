using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Mail.Mime;

namespace Triton.Core.Archive;

/// <summary>What the archive kept of one sent message: the outbox row's fields, before the row is written.</summary>
public sealed record ArchivedCopy(string MessageId, string Recipient, string Subject, long SentAt, string Path);

/// <summary>
/// Writes sent messages as .eml files under Archive:Directory: the very bytes the transport sent (the
/// <see cref="PreparedMessage"/> is built and signed once, and written here as the pickup file and the SMTP
/// DATA phase write it). Files go in one folder per day, named after the Message-ID, written to a temp
/// name and renamed, so a reader never sees half a message. The outbox row is written by the caller with
/// its own result (no extra database round trip per message).
/// </summary>
public sealed class MessageArchive(IOptions<ArchiveOptions> options, IOptions<TritonOptions> triton, TimeProvider time)
{
    private readonly string _directory = string.IsNullOrWhiteSpace(options.Value.Directory)
        ? triton.Value.ResolveDataPath("archive")
        : Path.GetFullPath(options.Value.Directory);

    public string Directory => _directory;

    public bool Campaigns => options.Value.Campaigns;

    public bool Triggers => options.Value.Triggers;

    /// <exception cref="ArchiveWriteException">The file could not be written; the reason names the directory.</exception>
    public async Task<ArchivedCopy> WriteAsync(PreparedMessage message, string subject, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var relative = Path.Combine(now.ToString("yyyy"), now.ToString("MM"), now.ToString("dd"), FileNameFor(message.MessageId) + ".eml");
        var final = Path.Combine(_directory, relative);
        var folder = Path.GetDirectoryName(final)!;
        var temp = Path.Combine(folder, "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            System.IO.Directory.CreateDirectory(folder);
            try
            {
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16384, FileOptions.Asynchronous))
                {
                    await message.WriteToAsync(file, cancellationToken);
                    await file.FlushAsync(cancellationToken);
                }
                // A message sent again under the same Message-ID (a retried transactional message) replaces its copy.
                File.Move(temp, final, overwrite: true);
            }
            catch
            {
                try { File.Delete(temp); }
                catch (IOException) { } // the write's own error is the one worth reporting
                throw;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ArchiveWriteException(StorageFailure.Describe(exception, _directory) ?? $"{exception.Message}: {_directory}", exception);
        }
        return new ArchivedCopy(message.MessageId, message.Recipient.Address, Limit(subject, 1000), now.ToUnixTimeMilliseconds(),
            relative.Replace(Path.DirectorySeparatorChar, '/'));
    }

    /// <summary>The full path of an outbox row's file, or null when the stored path would leave the archive directory.</summary>
    public string? FullPath(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(_directory, relative));
        var root = _directory.EndsWith(Path.DirectorySeparatorChar) ? _directory : _directory + Path.DirectorySeparatorChar;
        return full.StartsWith(root, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>The Message-ID made safe as a file name.</summary>
    private static string FileNameFor(string messageId)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var name = string.Concat(messageId.Select(c => invalid.Contains(c) || c == '%' ? '_' : c));
        return name.Length <= 200 ? name : name[..200];
    }

    private static string Limit(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <summary>The archive directory refused a file (full disk, read-only, no permission).</summary>
public sealed class ArchiveWriteException(string reason, Exception inner) : Exception(reason, inner);
