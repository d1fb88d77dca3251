using Microsoft.Extensions.Options;
using Triton.Core.Sending;
using Triton.Web.Components.Campaigns;

namespace Triton.Tests.Components;

/// <summary>The pushes a second all open pages share: a page alone is pushed at the feed's pace, many open ones each less often.</summary>
public sealed class ProgressPaceTests
{
    private static ProgressPace Pace(int pushesPerSecond) =>
        new(Options.Create(new SendingOptions { ProgressMilliseconds = 250, PagePushesPerSecond = pushesPerSecond }));

    [Fact]
    public void Many_open_pages_share_the_budget_and_the_pace_comes_back_as_they_close()
    {
        var pace = Pace(40);
        Assert.Equal(TimeSpan.FromMilliseconds(250), pace.Interval);
        var pages = Enumerable.Range(0, 50).Select(_ => pace.Join()).ToList();
        Assert.Equal(50, pace.Open);
        Assert.Equal(TimeSpan.FromSeconds(1.25), pace.Interval);
        foreach (var page in pages.Skip(10)) page.Dispose();
        pages[0].Dispose();
        pages[0].Dispose(); // a page closed twice leaves once
        Assert.Equal(9, pace.Open);
        Assert.Equal(TimeSpan.FromMilliseconds(250), pace.Interval);
    }

    [Fact]
    public void No_budget_leaves_every_page_at_the_feeds_pace()
    {
        var pace = Pace(0);
        var pages = Enumerable.Range(0, 500).Select(_ => pace.Join()).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(250), pace.Interval);
        pages.ForEach(p => p.Dispose());
    }
}
