using Bunit;
using Triton.Core.Domain;
using Triton.Tests.Admin;
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
}
