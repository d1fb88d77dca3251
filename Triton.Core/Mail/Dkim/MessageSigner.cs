using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Triton.Core.Mail.Mime;

namespace Triton.Core.Mail.Dkim;

/// <summary>Signs messages with one transport's DKIM key (rsa-sha256, relaxed/relaxed). Thread-safe after construction.</summary>
public sealed class MessageSigner
{
    /// <summary>The headers signed when the message has them (RFC 8058 asks for both List-Unsubscribe headers).</summary>
    private static readonly string[] Signed =
        ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "List-Unsubscribe", "List-Unsubscribe-Post"];

    private readonly DkimSigner _signer;

    /// <exception cref="FormatException">The key is not an RSA private key in PEM.</exception>
    public MessageSigner(string domain, string selector, string privateKeyPem)
    {
        Domain = domain;
        Selector = selector;
        _signer = new DkimSigner(DkimKeys.ParsePrivateKey(privateKeyPem), domain, selector, DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
    }

    public string Domain { get; }
    public string Selector { get; }

    public void Sign(MimeMessage message)
    {
        var headers = new List<string>(Signed.Length);
        foreach (var name in Signed)
        {
            // Content-Type is the body's header (MimeKit writes it from the body entity), always present.
            if (message.Headers.Contains(name) || name == "Content-Type") headers.Add(name);
        }
        _signer.Sign(PreparedMessage.WireFormat, message, headers);
    }
}
