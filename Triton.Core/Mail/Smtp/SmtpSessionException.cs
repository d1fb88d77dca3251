namespace Triton.Core.Mail.Smtp;

/// <summary>A step of the session failed in a way already classified for the engine.</summary>
public sealed class SmtpSessionException(SendResult result, bool connectionUsable, Exception? cause = null) : Exception(result.Reply, cause)
{
    public SendResult Result { get; } = result;

    /// <summary>False when the connection must be dropped (421, I/O trouble); true after a plain rejection.</summary>
    public bool ConnectionUsable { get; } = connectionUsable;

    /// <summary>What the session had learned when it failed (for the connection test report).</summary>
    public SmtpReply? Greeting { get; internal set; }
    public SmtpCapabilities? Capabilities { get; internal set; }
    public bool Encrypted { get; internal set; }
}
