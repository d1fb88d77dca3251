using Triton.Core.Domain;

namespace Triton.Core.Tracking;

/// <summary>
/// What the /t/ endpoints do with a token: open it with its purpose's key, classify the fetch and
/// leave the event with the recorder. A token that does not open records nothing.
/// </summary>
public sealed class TrackingHits(TokenSigner signer, TrackingRecorder recorder, MachineFetches machines, TimeProvider time)
{
    private TokenKey? _open;
    private TokenKey? _click;

    /// <summary>Records an open; false when the token is not a valid open token.</summary>
    public async Task<bool> OpenAsync(string token, string? userAgent, CancellationToken cancellationToken)
    {
        _open ??= await signer.KeyForAsync(TrackingPurposes.Open, cancellationToken);
        if (_open.Open(token) is not { } bytes || TrackingPayload.Read(bytes, withUrl: false) is not { } payload) return false;
        Record(TrackingEventKind.Open, payload, userAgent);
        return true;
    }

    /// <summary>Records a click and answers the URL the token was signed for, or null when the token is not a valid click token.</summary>
    public async Task<string?> ClickAsync(string token, string? userAgent, CancellationToken cancellationToken)
    {
        _click ??= await signer.KeyForAsync(TrackingPurposes.Click, cancellationToken);
        if (_click.Open(token) is not { } bytes || TrackingPayload.Read(bytes, withUrl: true) is not { Url: { } url } payload) return null;
        // Only what Triton itself would have rewritten: an absolute http(s) address.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https")) return null;
        Record(TrackingEventKind.Click, payload, userAgent);
        return url;
    }

    private void Record(TrackingEventKind kind, TrackingPayload payload, string? userAgent) =>
        recorder.TryRecord(new TrackingEvent(kind, payload, machines.IsMachine(userAgent, payload.ComposedAt), time.GetUtcNow().ToUnixTimeMilliseconds()));
}
