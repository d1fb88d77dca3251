namespace Triton.Web.Access;

/// <summary>
/// Serializes the changes that read-then-write the set of admins in this process (first-admin setup,
/// role changes, deletes), so two requests cannot both pass a "no admin yet" or "not the last admin"
/// check. Across instances, setup also runs in a serializable transaction.
/// </summary>
public sealed class AccessLock : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    public void Dispose() => gate.Dispose();

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }
}
