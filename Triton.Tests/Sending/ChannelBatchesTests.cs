using System.Diagnostics;
using System.Threading.Channels;
using Triton.Core.Sending;

namespace Triton.Tests.Sending;

/// <summary>How a batched writer gathers its batch: full at once, by its interval otherwise, and what a closed channel holds.</summary>
public sealed class ChannelBatchesTests
{
    [Fact]
    public async Task A_full_batch_is_taken_at_once_and_the_rest_stays_in_the_channel()
    {
        var channel = Channel.CreateBounded<int>(100);
        for (var i = 0; i < 30; i++) await channel.Writer.WriteAsync(i);
        var batch = new List<int>();
        var watch = Stopwatch.StartNew();

        await channel.Reader.FillAsync(batch, maxSize: 20, flushMilliseconds: 10_000, CancellationToken.None);

        Assert.True(watch.ElapsedMilliseconds < 5_000);
        Assert.Equal(Enumerable.Range(0, 20), batch);
        Assert.Equal(10, channel.Reader.Count);
    }

    [Fact]
    public async Task Items_that_trickle_in_are_gathered_into_one_batch_within_its_interval()
    {
        var channel = Channel.CreateBounded<int>(100);
        var batch = new List<int>();
        var watch = Stopwatch.StartNew();
        var filling = channel.Reader.FillAsync(batch, maxSize: 50, flushMilliseconds: 400, CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await channel.Writer.WriteAsync(i);
            await Task.Delay(20);
        }

        await filling;

        Assert.Equal(Enumerable.Range(0, 5), batch);
        Assert.InRange(watch.ElapsedMilliseconds, 350, 5_000);
    }

    [Fact]
    public async Task A_completed_channel_gives_what_it_holds_without_waiting_for_the_interval()
    {
        var channel = Channel.CreateBounded<int>(100);
        await channel.Writer.WriteAsync(7);
        channel.Writer.Complete();
        var batch = new List<int>();
        var watch = Stopwatch.StartNew();

        await channel.Reader.FillAsync(batch, maxSize: 50, flushMilliseconds: 10_000, CancellationToken.None);

        Assert.Equal([7], batch);
        Assert.True(watch.ElapsedMilliseconds < 5_000);
    }

    [Fact]
    public async Task Stopping_ends_the_wait_and_keeps_what_was_gathered()
    {
        var channel = Channel.CreateBounded<int>(100);
        await channel.Writer.WriteAsync(1);
        var batch = new List<int>();
        using var stopping = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var watch = Stopwatch.StartNew();

        await channel.Reader.FillAsync(batch, maxSize: 50, flushMilliseconds: 60_000, stopping.Token);

        Assert.True(watch.ElapsedMilliseconds < 30_000);
        Assert.Equal([1], batch);
    }
}
