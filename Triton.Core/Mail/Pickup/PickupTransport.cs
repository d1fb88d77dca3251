using Triton.Core.Data;
using Triton.Core.Mail.Dkim;
using Triton.Core.Mail.Mime;

namespace Triton.Core.Mail.Pickup;

/// <summary>Writes each message as one .eml file (the bytes SMTP would send), atomically: temp file, then rename.</summary>
public sealed class PickupTransport(string directory, MimeMessageBuilder builder, MessageSigner? signer, TransportRateLimiter rateLimiter) : IMailTransport
{
    public string Directory { get; } = directory;

    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        SendUnlessHaltedAsync(message, CancellationToken.None, cancellationToken);

    public async Task<SendResult> SendUnlessHaltedAsync(OutgoingMessage message, CancellationToken halted, CancellationToken cancellationToken)
    {
        PreparedMessage rendered;
        try
        {
            rendered = builder.Build(message, signer);
        }
        catch (InvalidHeaderException ex)
        {
            return new SendResult(SendOutcome.Rejected, ex.Message);
        }
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(halted, cancellationToken))
            await rateLimiter.WaitAsync(waiting.Token);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var name = FileNameFor(rendered.MessageId);
            var final = Path.Combine(Directory, name + ".eml");
            // The temp name does not end in .eml, so a reader of the folder never sees a half-written message.
            var temp = Path.Combine(Directory, "." + name + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16384, FileOptions.Asynchronous))
                {
                    await rendered.WriteToAsync(file, cancellationToken);
                    await file.FlushAsync(cancellationToken);
                }
                File.Move(temp, final, overwrite: false);
            }
            catch
            {
                try { File.Delete(temp); }
                catch (IOException) { } // the write's own error is the one worth reporting
                throw;
            }
            rateLimiter.Accepted();
            return SendResult.Accepted("Written to " + final) with { Prepared = rendered };
        }
        catch (Exception ex) when (StorageFailure.Describe(ex, Directory) is { } reason)
        {
            // The folder's fault, not the recipient's: no attempt is spent and the campaign pauses with the reason.
            return new SendResult(SendOutcome.TransportFailure, reason);
        }
        catch (IOException ex)
        {
            return new SendResult(SendOutcome.Transient, "Could not write the pickup file: " + ex.Message);
        }
    }

    /// <summary>The Message-ID made safe as a file name.</summary>
    private static string FileNameFor(string messageId)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return string.Concat(messageId.Select(c => invalid.Contains(c) || c == '%' ? '_' : c));
    }
}
