using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Triton.Core.Domain;
using Triton.Core.Tracking;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Tracking;

namespace Triton.Tests.Components;

/// <summary>The tracking components rendered by bunit over the real app's services and SQLite database.</summary>
public sealed class TrackingComponentsTests : BunitContext, IClassFixture<AdminApp>, IAsyncLifetime
{
    private readonly AdminApp app;
    private readonly IServiceScope scope;

    public TrackingComponentsTests(AdminApp app)
    {
        this.app = app;
        scope = app.Services.CreateScope();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(app.Services.GetRequiredService<TrackingStats>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<CategoryService>());
        Services.AddSingleton(app.Services.GetRequiredService<UserPreferences>());
        var auth = AddAuthorization();
        auth.SetAuthorized("editor@example.com");
        auth.SetRoles(AdminRoles.Editor);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void The_stats_chart_draws_again_only_when_what_it_shows_changed_and_never_calls_the_browser()
    {
        var day = new DateOnly(2026, 11, 30);
        IReadOnlyList<StatDay> Days(long sent) => [new StatDay(day, new StatCounts(sent, 0, 0, 0, 0, 0, 0))];
        var chart = Render<StatsChart>(p => p.Add(c => c.Days, Days(5)).Add(c => c.From, day.AddDays(-6)).Add(c => c.To, day));
        var renders = chart.RenderCount;
        var line = chart.Find("[data-stats-chart] polyline").GetAttribute("points");

        // The same counts read again (a new list, as the campaign page's re-read at a change of state gives it).
        chart.Render(p => p.Add(c => c.Days, Days(5)));
        Assert.Equal(renders, chart.RenderCount);

        chart.Render(p => p.Add(c => c.Days, Days(6)));
        Assert.True(chart.RenderCount > renders);
        renders = chart.RenderCount;
        chart.Render(p => p.Add(c => c.From, day.AddDays(-13)));
        Assert.True(chart.RenderCount > renders);
        // A longer range: the same counts drawn over fourteen days instead of seven.
        Assert.NotEqual(line, chart.Find("[data-stats-chart] polyline").GetAttribute("points"));
        Assert.Equal(4, chart.FindAll("[data-stats-chart] polyline").Count);
        // Drawn on the server alone: each open campaign page whose stats moved would pay a browser round trip.
        Assert.Empty(JSInterop.Invocations);
    }

    [Fact]
    public async Task A_campaigns_stats_show_its_counts_chart_and_top_links()
    {
        const int campaignId = 424242;
        var store = app.Services.GetRequiredService<TrackingStore>();
        var now = DateTimeOffset.UtcNow;
        TrackingPayload Payload(long reference, string? url = null) =>
            new(TrackedSource.Campaign, campaignId, reference, 1, now.ToUnixTimeSeconds(), "u" + reference, url);
        var at = now.ToUnixTimeMilliseconds();
        await store.WriteAsync(
        [
            new(TrackingEventKind.Open, Payload(1), false, at),
            new(TrackingEventKind.Open, Payload(1), false, at),
            new(TrackingEventKind.Open, Payload(2), true, at),
            new(TrackingEventKind.Click, Payload(1, "https://example.org/top"), false, at),
        ], CancellationToken.None);

        var stats = Render<CampaignStats>(p => p.Add(s => s.CampaignId, campaignId));

        stats.WaitForAssertion(() => Assert.Equal("1", stats.Find("[data-stat=uniqueOpens]").TextContent.Trim()));
        Assert.Equal("2", stats.Find("[data-stat=opens]").TextContent.Trim());
        Assert.Equal("1", stats.Find("[data-stat=machineOpens]").TextContent.Trim());
        Assert.Equal("1", stats.Find("[data-stat=uniqueClicks]").TextContent.Trim());
        Assert.Contains("https://example.org/top", stats.Find("[data-top-links]").TextContent);
        Assert.NotEmpty(stats.FindAll("[data-stats-chart]"));
    }

    [Fact]
    public async Task The_stats_page_shows_one_users_history_in_a_category()
    {
        var name = "Stats page " + Guid.NewGuid().ToString("N")[..8];
        var saved = await scope.ServiceProvider.GetRequiredService<CategoryService>().SaveAsync(null, new CategoryInput { Name = name }, default);
        var category = saved.Value!.Category.Id;
        var user = "stats-user-" + Guid.NewGuid().ToString("N")[..6];
        var now = DateTimeOffset.UtcNow;
        // References are delivery ids, unique in the database: a first open is marked per reference.
        var reference = Random.Shared.NextInt64(1_000_000, long.MaxValue / 2);
        TrackingPayload Payload(long delivery, string userId) => new(TrackedSource.Campaign, 535353, delivery, category, now.ToUnixTimeSeconds(), userId, null);
        await app.Services.GetRequiredService<TrackingStore>().WriteAsync(
        [
            new(TrackingEventKind.Open, Payload(reference, user), false, now.ToUnixTimeMilliseconds()),
            new(TrackingEventKind.Open, Payload(reference, user), false, now.ToUnixTimeMilliseconds()),
            new(TrackingEventKind.Open, Payload(reference + 1, "someone-else"), false, now.ToUnixTimeMilliseconds()),
        ], CancellationToken.None);

        // As a link to one user's history opens it: /stats?category=..&userId=..
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/stats?category={category}&userId={user}");
        var page = Render<StatsPage>();

        page.WaitForAssertion(() => Assert.Contains($"User {user}", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains(name, page.Markup);
        Assert.Equal("1", page.Find("[data-stat=uniqueOpens]").TextContent.Trim());
        Assert.Equal("2", page.Find("[data-stat=opens]").TextContent.Trim());
        Assert.DoesNotContain("Last opened: never", page.Find("[data-last-times]").TextContent);
    }

    [Fact]
    public void An_editor_creates_a_category_and_sees_the_name_error_of_a_duplicate()
    {
        var page = Render<CategoriesPage>();
        var name = "Bunit " + Guid.NewGuid().ToString("N")[..8];

        page.WaitForAssertion(() => page.FindAll("button").Single(b => b.TextContent.Trim() == "New category"));
        StaleHandlers.Retry(page, () => page.FindAll("button").Single(b => b.TextContent.Trim() == "New category").Click());
        // The click's render can land after Click returns while the page still loads: wait for the form.
        page.WaitForAssertion(() => page.Find("[data-category-form] input"));
        StaleHandlers.Retry(page, () => page.Find("[data-category-form] input").Change(name));
        StaleHandlers.Retry(page, () => page.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click());
        page.WaitForAssertion(() => Assert.Contains(name, page.Find("[data-categories]").TextContent));

        StaleHandlers.Retry(page, () => page.FindAll("button").Single(b => b.TextContent.Trim() == "New category").Click());
        page.WaitForAssertion(() => page.Find("[data-category-form] input"));
        StaleHandlers.Retry(page, () => page.Find("[data-category-form] input").Change(name));
        StaleHandlers.Retry(page, () => page.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click());
        page.WaitForAssertion(() => Assert.Contains("already exists", page.Find("[data-category-form]").TextContent));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services dispose only asynchronously.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        scope.Dispose();
    }
}
