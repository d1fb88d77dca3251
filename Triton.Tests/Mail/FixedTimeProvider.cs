namespace Triton.Tests.Mail;

/// <summary>A clock that always reads the same instant, so rendered Date headers are predictable.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
