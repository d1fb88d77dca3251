using Triton.Core.Data;

namespace Triton.Tests.Data;

/// <summary>The short-lived cache of the events intake and the API keys: kept until expiry, dropped at once by Forget.</summary>
public sealed class RecentReadsTests
{
    private int _reads;
    private string _stored = "first";

    private Task<string?> ReadAsync(string key, CancellationToken _)
    {
        _reads++;
        return Task.FromResult<string?>(_stored);
    }

    [Fact]
    public async Task A_read_is_kept_until_it_expires_then_read_again()
    {
        var clock = new FixedTimeProvider(new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var reads = new RecentReads<string, string?>(TimeSpan.FromSeconds(2), clock);
        Assert.Equal("first", await reads.GetAsync("k", ReadAsync, default));
        _stored = "changed elsewhere";
        clock.Now += TimeSpan.FromSeconds(1.9);
        Assert.Equal("first", await reads.GetAsync("k", ReadAsync, default));
        Assert.Equal(1, _reads);
        clock.Now += TimeSpan.FromSeconds(0.2);
        Assert.Equal("changed elsewhere", await reads.GetAsync("k", ReadAsync, default));
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task Forget_makes_the_next_request_read_the_change()
    {
        var reads = new RecentReads<string, string?>(TimeSpan.FromMinutes(1), new FixedTimeProvider(new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)));
        await reads.GetAsync("k", ReadAsync, default);
        _stored = "saved here";
        reads.Forget();
        Assert.Equal("saved here", await reads.GetAsync("k", ReadAsync, default));
    }

    [Fact]
    public async Task A_read_under_way_when_a_change_is_saved_is_not_kept()
    {
        var reads = new RecentReads<string, string?>(TimeSpan.FromMinutes(1), new FixedTimeProvider(new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)));
        var release = new TaskCompletionSource();
        var slow = reads.GetAsync("k", async (_, _) => { await release.Task; return "before the change"; }, default);
        reads.Forget();
        release.SetResult();
        Assert.Equal("before the change", await slow);
        _stored = "after the change";
        Assert.Equal("after the change", await reads.GetAsync("k", ReadAsync, default));
    }

    [Fact]
    public async Task Nothing_found_is_not_kept_and_a_zero_expiry_keeps_nothing()
    {
        var missing = new RecentReads<string, string?>(TimeSpan.FromMinutes(1), new FixedTimeProvider(new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)));
        _stored = null!;
        Assert.Null(await missing.GetAsync("k", ReadAsync, default));
        _stored = "created elsewhere";
        Assert.Equal("created elsewhere", await missing.GetAsync("k", ReadAsync, default));

        var off = new RecentReads<string, string?>(TimeSpan.Zero, new FixedTimeProvider(new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)));
        await off.GetAsync("k", ReadAsync, default);
        await off.GetAsync("k", ReadAsync, default);
        Assert.Equal(4, _reads);
    }
}
