namespace Triton.Core.Bounces;

/// <summary>The "Mail" section: where bounces (and mailto unsubscribes) come back to.</summary>
public sealed class ReturnPathOptions
{
    public const string Section = "Mail";

    /// <summary>
    /// A mailbox such as bounces@example.com. When set, every message's envelope sender (and Return-Path)
    /// is bounces+{signed token}@example.com (VERP), so a bounce names the delivery it is about; the
    /// List-Unsubscribe mailto uses the same mailbox. Unset: the From address is the envelope sender.
    /// </summary>
    public string? BounceAddress { get; set; }

    public bool Enabled => TrySplit(out _, out _);

    public bool TrySplit(out string local, out string domain)
    {
        local = domain = "";
        var address = BounceAddress?.Trim();
        var at = address?.LastIndexOf('@') ?? -1;
        if (address is null || at < 1 || at == address.Length - 1) return false;
        local = address[..at];
        domain = address[(at + 1)..];
        return true;
    }
}
