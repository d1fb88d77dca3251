using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Domain;
using Triton.Core.Suppressions;
using Triton.Tests.Admin;
using Triton.Core.Campaigns;
using Triton.Web.Access;
using Triton.Web.Components.Campaigns;
using Triton.Web.Components.Dashboard;
using Triton.Web.Components.Forms;
using Triton.Web.Components.Suppressions;
using Triton.Web.Components.Triggers;

namespace Triton.Tests.Components;

/// <summary>
/// Times on the admin's pages show in the signed-in user's time zone (Settings), the one way the
/// campaign page shows them (ZonedTime), not in UTC.
/// </summary>
public sealed class ZonedTimesTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    [Fact]
    public async Task A_suppression_shows_since_when_in_the_users_zone()
    {
        var email = $"zoned-{Guid.NewGuid():N}@example.com";
        var added = await App.Services.GetRequiredService<SuppressionService>().AddOneAsync(new SuppressionInput { Email = email }, "api", default);
        var since = added.Value!.CreatedAt;
        await SignInWithZoneAsync(AdminRoles.Viewer, "Asia/Tokyo");

        var page = Render<SuppressionsPage>();

        page.WaitForAssertion(() => Assert.Contains(email, page.Find("[data-suppressions]").TextContent), TimeSpan.FromSeconds(10));
        var row = page.FindAll("[data-suppressions] tr").Single(r => r.TextContent.Contains(email));
        // Tokyo is nine hours ahead of UTC all year: the same moment on another wall clock.
        Assert.Contains(since.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm") + " (Asia/Tokyo)", row.TextContent);
    }

    [Fact]
    public async Task The_dashboards_server_health_is_read_at_a_time_in_the_users_zone()
    {
        await SignInWithZoneAsync(AdminRoles.Viewer, "Asia/Tokyo");
        var before = DateTimeOffset.UtcNow;

        var page = Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-health-read-at]")), TimeSpan.FromSeconds(10));
        var shown = page.Find("[data-health-read-at]").TextContent.Trim();
        var after = DateTimeOffset.UtcNow;
        Assert.Contains(shown, new[] { "Read at " + ZonedTime.Show(before, Tokyo), "Read at " + ZonedTime.Show(after, Tokyo) });
    }

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
