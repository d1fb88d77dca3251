using Bunit;
using Triton.Core.Domain;
using Triton.Tests.Admin;
using Triton.Core.Campaigns;
using Triton.Web.Components.Campaigns;
using Triton.Web.Components.Forms;
using Triton.Web.Components.Triggers;

namespace Triton.Tests.Components;

/// <summary>
/// Times on the trigger pages show in the signed-in user's time zone (Settings), the one way the
/// campaign page shows them (ZonedTime), not in UTC.
/// </summary>
public sealed class ZonedTimesTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Fact]
    public void The_last_autotest_shows_in_the_given_zone()
    {
        var at = new DateTimeOffset(2026, 7, 1, 7, 30, 0, TimeSpan.Zero);
        var chip = Render<TriggerAutotestChip>(p => p
            .Add(c => c.Trigger, new Trigger { Name = "t", FromAddress = "a@example.com", LastTestAt = at })
            .Add(c => c.Zone, Paris));

        Assert.Contains("test passed 2026-07-01 09:30 (Europe/Paris)", chip.Find("[data-last-autotest]").TextContent);
    }

    [Fact]
    public async Task The_rate_charts_times_show_in_the_given_zone()
    {
        var start = new DateTimeOffset(2026, 7, 1, 7, 30, 0, TimeSpan.Zero);
        CampaignProgressEvent At(int seconds, long sent) =>
            new(1, CampaignState.Running, null, 1000, 1000, sent, 0, 0, 0, 8, 100, null, start.AddSeconds(seconds));
        var live = new LiveProgress(At(0, 0));
        var chart = Render<RateChart>(p => p.Add(c => c.Source, live).Add(c => c.Zone, Paris));

        await chart.InvokeAsync(() => live.Publish(At(5, 500)));
        await chart.InvokeAsync(() => live.Publish(At(10, 900)));

        var times = chart.FindAll("span.mud-typography-caption").Select(s => s.TextContent).ToList();
        Assert.Equal("09:30:05", times[0]);
        Assert.Equal("09:30:10", times[^1]);
    }
}
