using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Core.Sending;
using Triton.Web.Components.Campaigns;

namespace Triton.Tests.Components;

/// <summary>
/// The pushes a second all open pages share (a page alone is pushed at the feed's pace, many open ones each less
/// often), handed from one reading of the feed: the latest snapshot per campaign, a change of state at once, one
/// hand-over at a time per page.
/// </summary>
public sealed class ProgressPaceTests
{
    private readonly ManualProgressFeed feed = new();

    private ProgressPace Pace(int pushesPerSecond, int progressMilliseconds = 250) =>
        new(feed, Options.Create(new SendingOptions { ProgressMilliseconds = progressMilliseconds, PagePushesPerSecond = pushesPerSecond }),
            TimeProvider.System, NullLogger<ProgressPace>.Instance);

    private static CampaignProgressEvent Snapshot(int campaign, CampaignState state, long sent) =>
        new(campaign, state, null, 100, 100, sent, 0, 0, 0, 0, 0, null, DateTimeOffset.UtcNow);

    private static Task Idle(IReadOnlyList<CampaignProgressEvent> _) => Task.CompletedTask;

    [Fact]
    public async Task Many_open_pages_share_the_budget_and_the_pace_comes_back_as_they_close()
    {
        await using var pace = Pace(40);
        Assert.Equal(TimeSpan.FromMilliseconds(250), pace.Interval);
        var pages = Enumerable.Range(0, 50).Select(_ => pace.Watch(_ => true, Idle)).ToList();
        Assert.Equal(50, pace.Open);
        Assert.Equal(TimeSpan.FromSeconds(1.25), pace.Interval);
        foreach (var page in pages.Skip(10)) await page.DisposeAsync();
        await pages[0].DisposeAsync();
        await pages[0].DisposeAsync(); // a page closed twice leaves once
        Assert.Equal(9, pace.Open);
        Assert.Equal(TimeSpan.FromMilliseconds(250), pace.Interval);
        foreach (var page in pages.Take(10)) await page.DisposeAsync();
    }

    [Fact]
    public async Task No_budget_leaves_every_page_at_the_feeds_pace()
    {
        await using var pace = Pace(0);
        var pages = Enumerable.Range(0, 500).Select(_ => pace.Watch(_ => true, Idle)).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(250), pace.Interval);
        foreach (var page in pages) await page.DisposeAsync();
    }

    [Fact]
    public async Task A_page_gets_the_latest_snapshot_of_its_campaigns_at_its_pace_and_a_change_of_state_at_once()
    {
        // One page on a budget of one push a second: paced pushes a second apart, so a state change's arrival
        // well inside that second can only be the immediate hand-over.
        await using var pace = Pace(1, progressMilliseconds: 100);
        var handed = new ConcurrentQueue<(DateTimeOffset At, IReadOnlyList<CampaignProgressEvent> Batch)>();
        await using var page = pace.Watch(id => id == 1, batch =>
        {
            handed.Enqueue((DateTimeOffset.UtcNow, batch));
            return Task.CompletedTask;
        });
        await WaitUntil(() => feed.Subscribers == 1);
        feed.Publish(Snapshot(1, CampaignState.Running, 10));
        await WaitUntil(() => !handed.IsEmpty); // the first snapshot of a state is a change of state
        handed.Clear();

        for (var sent = 11; sent <= 15; sent++) feed.Publish(Snapshot(1, CampaignState.Running, sent));
        feed.Publish(Snapshot(2, CampaignState.Running, 99)); // not this page's campaign
        await WaitUntil(() => handed.Any(h => h.Batch.Any(s => s.Sent == 15)));
        Assert.True(handed.Count <= 2, $"{handed.Count} pushes for five snapshots"); // the latest, not every one
        Assert.All(handed, h => Assert.All(h.Batch, s => Assert.Equal(1, s.CampaignId)));

        handed.Clear();
        var published = DateTimeOffset.UtcNow;
        feed.Publish(Snapshot(1, CampaignState.Paused, 16));
        await WaitUntil(() => !handed.IsEmpty);
        var (at, batch) = Assert.Single(handed);
        Assert.Equal(CampaignState.Paused, Assert.Single(batch).State);
        Assert.True(at - published < TimeSpan.FromMilliseconds(500), $"the change of state took {(at - published).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_page_takes_one_hand_over_at_a_time_and_closing_waits_for_the_one_under_way()
    {
        await using var pace = Pace(0, progressMilliseconds: 50);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var most = 0;
        var calls = 0;
        var page = pace.Watch(_ => true, async _ =>
        {
            var now = Interlocked.Increment(ref running);
            most = Math.Max(most, now);
            Interlocked.Increment(ref calls);
            await release.Task;
            Interlocked.Decrement(ref running);
        });
        await WaitUntil(() => feed.Subscribers == 1);
        feed.Publish(Snapshot(1, CampaignState.Running, 1));
        await WaitUntil(() => Volatile.Read(ref calls) == 1);
        feed.Publish(Snapshot(1, CampaignState.Paused, 2)); // a change of state while the first is under way
        await Task.Delay(300); // several ticks
        Assert.Equal(1, Volatile.Read(ref calls));

        var closing = page.DisposeAsync().AsTask();
        await Task.Delay(100);
        Assert.False(closing.IsCompleted); // still waiting for the hand-over under way
        release.SetResult();
        await closing;
        Assert.Equal(1, most);
        Assert.Equal(0, pace.Open);
    }

    [Fact]
    public async Task A_page_whose_filter_fails_does_not_stop_the_other_pages_pushes()
    {
        await using var pace = Pace(0, progressMilliseconds: 50);
        var handed = new ConcurrentQueue<CampaignProgressEvent>();
        await using var broken = pace.Watch(_ => throw new InvalidOperationException("a filter that fails"), _ => Task.CompletedTask);
        await using var page = pace.Watch(_ => true, batch =>
        {
            foreach (var snapshot in batch) handed.Enqueue(snapshot);
            return Task.CompletedTask;
        });
        await WaitUntil(() => feed.Subscribers == 1);

        feed.Publish(Snapshot(1, CampaignState.Running, 1));
        feed.Publish(Snapshot(1, CampaignState.Running, 2));
        feed.Publish(Snapshot(1, CampaignState.Paused, 3));

        await WaitUntil(() => handed.Any(s => s.State == CampaignState.Paused && s.Sent == 3));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
