using Triton.Core.Data;

namespace Triton.Tests.Data;

/// <summary>
/// The read many open pages share when their campaign changes state: joined while it is fresh enough for
/// the caller, made again for a caller that needs a later one, never shared once it failed.
/// </summary>
public sealed class SharedReadsTests
{
    private readonly FixedTimeProvider clock = new(new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private int reads;
    private string stored = "Running";

    private async Task<string> ReadAsync(int key, CancellationToken _)
    {
        reads++;
        await Task.Yield();
        return stored;
    }

    [Fact]
    public async Task Callers_that_ask_for_the_same_moment_share_one_read()
    {
        var shared = new SharedReads<int, string>(clock);
        var changedAt = clock.Now;
        clock.Now += TimeSpan.FromMilliseconds(5); // the first page asks just after the feed saw the change
        var pages = Enumerable.Range(0, 50).Select(_ => shared.GetAsync(7, changedAt, ReadAsync, default)).ToList();
        Assert.All(await Task.WhenAll(pages), state => Assert.Equal("Running", state));
        // A page that asks a little later for the same change joins the read already done.
        clock.Now += TimeSpan.FromSeconds(1);
        Assert.Equal("Running", await shared.GetAsync(7, changedAt, ReadAsync, default));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task A_later_change_is_read_again_and_other_keys_apart()
    {
        var shared = new SharedReads<int, string>(clock);
        await shared.GetAsync(7, clock.Now, ReadAsync, default);
        stored = "Finished";
        clock.Now += TimeSpan.FromSeconds(30);
        Assert.Equal("Finished", await shared.GetAsync(7, clock.Now, ReadAsync, default));
        Assert.Equal("Finished", await shared.GetAsync(8, DateTimeOffset.MinValue, ReadAsync, default));
        Assert.Equal(3, reads);
    }

    [Fact]
    public async Task A_failed_read_is_not_shared_with_later_callers()
    {
        var shared = new SharedReads<int, string>(clock);
        var at = clock.Now;
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            shared.GetAsync(7, at, (_, _) => Task.FromException<string>(new InvalidOperationException("database is locked")), default));
        Assert.Equal("Running", await shared.GetAsync(7, at, ReadAsync, default));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task A_caller_that_gives_up_leaves_the_read_to_the_others()
    {
        var shared = new SharedReads<int, string>(clock);
        var release = new TaskCompletionSource();
        var at = clock.Now;
        using var leaving = new CancellationTokenSource();
        var first = shared.GetAsync(7, at, async (_, token) => { await release.Task; return token.CanBeCanceled ? "the caller's token" : "shared"; }, leaving.Token);
        var second = shared.GetAsync(7, at, ReadAsync, default);
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        release.SetResult();
        Assert.Equal("shared", await second);
        Assert.Equal(0, reads);
    }
}
