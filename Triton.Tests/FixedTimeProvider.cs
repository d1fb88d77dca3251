namespace Triton.Tests;

/// <summary>A clock that reads the instant it is given until a test moves it, so times in the code under test are predictable.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
