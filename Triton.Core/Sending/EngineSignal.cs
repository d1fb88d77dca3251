namespace Triton.Core.Sending;

/// <summary>
/// The engine's wake-up: whoever changes a campaign's state raises it so the coordinator looks now
/// instead of at its next poll. Raising it twice before the engine looks wakes it once.
/// </summary>
public sealed class EngineSignal : IDisposable
{
    private readonly WakeUp _wake = new();

    public void Wake() => _wake.Raise();

    /// <summary>Waits for a wake-up or the timeout, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wake.Dispose();
}
