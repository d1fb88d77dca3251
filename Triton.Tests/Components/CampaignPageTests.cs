using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Campaigns;

namespace Triton.Tests.Components;

/// <summary>
/// The interactive campaign page rendered by bunit over the real app's services (SQLite, commands,
/// catalog): which actions each state and role allows, the counters as the progress feed moves them,
/// and the reason a refused action shows.
/// </summary>
public sealed class CampaignPageTests : BunitContext, IClassFixture<AdminApp>, IAsyncLifetime
{
    private readonly AdminApp app;
    private readonly ManualProgressFeed feed = new();
    private readonly BunitAuthorizationContext auth;

    public CampaignPageTests(AdminApp app)
    {
        this.app = app;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<ICampaignProgressFeed>(feed);
        // The app's own services over its real database; only the feed is the test's.
        Services.AddSingleton(app.Services.GetRequiredService<ICampaignCommands>());
        Services.AddSingleton(app.Services.GetRequiredService<CampaignService>());
        Services.AddSingleton(app.Services.GetRequiredService<CampaignCatalog>());
        Services.AddSingleton(app.Services.GetRequiredService<Triton.Core.Transfer.TransferService>());
        Services.AddSingleton(app.Services.GetRequiredService<Triton.Core.Archive.MessageArchive>());
        Services.AddSingleton(app.Services.GetRequiredService<UserPreferences>());
        Services.AddSingleton(app.Services.GetRequiredService<Triton.Core.Tracking.TrackingStats>());
        Services.AddSingleton(app.Services.GetRequiredService<TimeProvider>());
        Services.AddSingleton(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Triton.Core.Sending.SendingOptions>>());
        Services.AddSingleton<ProgressPace>();
        Services.AddSingleton(app.Services.GetRequiredService<CampaignTester>());
        Services.AddSingleton(app.Services.GetRequiredService<Triton.Core.Lists.RecipientService>());
        auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Theory]
    [InlineData(CampaignState.Idle, 0, "Run")]
    [InlineData(CampaignState.Pending, 0, "Pause Stop")]
    [InlineData(CampaignState.Running, 0, "Pause Stop")]
    [InlineData(CampaignState.Running, 3, "Pause Stop Retry failed")]
    [InlineData(CampaignState.Paused, 0, "Run Stop")]
    [InlineData(CampaignState.Paused, 2, "Run Stop Retry failed")]
    [InlineData(CampaignState.Finished, 0, "Stop")]
    [InlineData(CampaignState.Finished, 1, "Stop Retry failed")]
    public void Each_state_enables_only_the_actions_it_allows(CampaignState state, long failed, string enabled)
    {
        var actions = Render<CampaignActions>(p => p
            .Add(a => a.CampaignId, 1)
            .Add(a => a.State, state)
            .Add(a => a.Failed, failed));

        var buttons = new[] { "Run", "Pause", "Stop", "Retry failed" }
            .ToDictionary(name => name, name => actions.FindAll("button").Single(b => b.TextContent.Trim() == name));
        var expected = enabled.Replace("Retry failed", "Retry_failed").Split(' ').Select(n => n.Replace('_', ' ')).ToHashSet();
        foreach (var (name, button) in buttons)
            Assert.True(expected.Contains(name) != button.HasAttribute("disabled"), $"{name} in {state} with {failed} failed");
    }

    [Fact]
    public async Task A_viewer_sees_the_progress_but_no_action_buttons()
    {
        var id = await CampaignSeed.CreateCampaignAsync(app.Services, "Viewer page", 3);
        SignIn(AdminRoles.Viewer);
        var page = Render<CampaignPage>(p => p.Add(c => c.Id, id));

        page.WaitForAssertion(() => Assert.Equal("Idle", page.Find("[data-campaign-state]").GetAttribute("data-campaign-state")));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Run" or "Pause" or "Stop" or "Retry failed");
        Assert.Equal("0", page.Find("[data-progress=\"sent\"]").TextContent);
        page.WaitForAssertion(() => Assert.Contains("Template / list / transport", page.Markup));
        Assert.Empty(page.FindAll("[data-campaign-test]"));
    }

    [Fact]
    public async Task The_panel_follows_the_feed_and_the_buttons_follow_the_state()
    {
        var (id, page) = await OpenAsEditorAsync("Feed page");
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-campaign-test]")));
        Assert.False(Button(page, "Run").HasAttribute("disabled"));
        Assert.True(Button(page, "Pause").HasAttribute("disabled"));

        feed.Publish(new CampaignProgressEvent(id, CampaignState.Running, null, 1000, 600, 250, 7, 3, 2, 16, 42.5, TimeSpan.FromSeconds(75), DateTimeOffset.UtcNow));
        page.WaitForAssertion(() =>
        {
            Assert.Equal("Running", page.Find("[data-campaign-state]").GetAttribute("data-campaign-state"));
            Assert.Equal("1000", Counter(page, "plan"));
            Assert.Equal("600", Counter(page, "enqueued"));
            Assert.Equal("250", Counter(page, "sent"));
            Assert.Equal("7", Counter(page, "skipped"));
            Assert.Equal("3", Counter(page, "failed"));
            Assert.Equal("2", Counter(page, "bounced"));
            Assert.Equal("16", Counter(page, "inflight"));
            Assert.Equal("42.5", Counter(page, "rate"));
            Assert.Equal("1m 15s", Counter(page, "eta"));
        }, TimeSpan.FromSeconds(10));
        Assert.True(Button(page, "Run").HasAttribute("disabled"));
        Assert.False(Button(page, "Pause").HasAttribute("disabled"));
        Assert.False(Button(page, "Retry failed").HasAttribute("disabled"));

        // A pause the database has not taken yet says so.
        feed.Publish(new CampaignProgressEvent(id, CampaignState.Running, "Pausing: the disk is full", 1000, 600, 260, 7, 3, 2, 0, 0, null, DateTimeOffset.UtcNow));
        page.WaitForAssertion(() => Assert.Contains("Pausing: the disk is full", page.Find("[data-state-reason]").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_counters_push_re_renders_the_counters_alone_and_a_state_change_the_page()
    {
        var (id, page) = await OpenAsEditorAsync("Push cost page");
        var at = DateTimeOffset.UtcNow;
        feed.Publish(new CampaignProgressEvent(id, CampaignState.Idle, null, 1000, 600, 100, 0, 0, 0, 16, 40, TimeSpan.FromSeconds(30), at));
        page.WaitForAssertion(() => Assert.Equal("100", Counter(page, "sent")), TimeSpan.FromSeconds(10));
        // bunit counts a component's renders with its children's, and the page's tables load on their own
        // meanwhile: the head's MudStack (re-rendered with every render of the head, for its content is a
        // fragment) stands for the head, which renders with the page or alone for a change of state.
        var counters = page.FindComponent<CampaignProgressPanel>();
        var header = page.FindComponents<MudStack>()[0];
        var (pageRenders, counterRenders) = (header.RenderCount, counters.RenderCount);
        // The state chip stands for the head's change of state (its own markup changes).
        var chip = page.FindComponent<CampaignStateChip>();
        var chipRenders = chip.RenderCount;

        // The same state, more sent (Idle here: the page looks at the state alone): the counters render
        // again, the page (buttons, chip, tables) does not.
        feed.Publish(new CampaignProgressEvent(id, CampaignState.Idle, null, 1000, 700, 200, 0, 0, 0, 16, 45, TimeSpan.FromSeconds(20), at.AddSeconds(1)));
        page.WaitForAssertion(() => Assert.Equal("200", Counter(page, "sent")), TimeSpan.FromSeconds(10));
        Assert.Equal("700", Counter(page, "enqueued"));
        Assert.Equal(counterRenders + 1, counters.RenderCount);
        Assert.Equal(pageRenders, header.RenderCount);

        // Numbers that did not move render nothing.
        feed.Publish(new CampaignProgressEvent(id, CampaignState.Idle, null, 1000, 700, 200, 0, 0, 0, 16, 45, TimeSpan.FromSeconds(20), at.AddSeconds(2)));
        feed.Publish(new CampaignProgressEvent(id, CampaignState.Idle, null, 1000, 700, 210, 0, 0, 0, 16, 45, TimeSpan.FromSeconds(20), at.AddSeconds(3)));
        page.WaitForAssertion(() => Assert.Equal("210", Counter(page, "sent")), TimeSpan.FromSeconds(10));
        Assert.Equal(counterRenders + 2, counters.RenderCount);
        Assert.Equal(pageRenders, header.RenderCount);

        // A change of state re-renders the head: the chip and the buttons follow it (the counters render on their
        // own, in a batch of their own).
        feed.Publish(new CampaignProgressEvent(id, CampaignState.Running, null, 1000, 700, 220, 0, 0, 0, 16, 45, TimeSpan.FromSeconds(20), at.AddSeconds(4)));
        page.WaitForAssertion(() =>
        {
            Assert.Equal("Running", page.Find("[data-campaign-state]").GetAttribute("data-campaign-state"));
            Assert.Equal("220", Counter(page, "sent"));
        }, TimeSpan.FromSeconds(10));
        // bunit counts a component's render after the page's markup shows it: waited for, not read at once.
        page.WaitForAssertion(() => Assert.True(chip.RenderCount > chipRenders), TimeSpan.FromSeconds(10));
        Assert.False(Button(page, "Pause").HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_run_answered_pending_shows_at_once_and_is_read_again_when_nothing_moves_it()
    {
        var (id, page) = await OpenAsEditorAsync("Pending page");
        var runs = page.FindComponent<CampaignRuns>();
        page.WaitForAssertion(() => Assert.True(runs.RenderCount > 0));
        var before = runs.RenderCount;

        await page.InvokeAsync(() => Button(page, "Run").Click());
        page.WaitForAssertion(() => Assert.Equal("Pending", page.Find("[data-campaign-state]").GetAttribute("data-campaign-state")));
        // The test's feed never says Running: the page reads the campaign again on its own, after a second.
        page.WaitForAssertion(() => Assert.True(runs.RenderCount > before), TimeSpan.FromSeconds(10));
        await app.Services.GetRequiredService<ICampaignCommands>().StopAsync(id, default);
    }

    [Fact]
    public async Task A_pause_another_browser_already_made_is_refused_with_the_reason()
    {
        var id = await CampaignSeed.CreateCampaignAsync(app.Services, "Two browsers", 3);
        var commands = app.Services.GetRequiredService<ICampaignCommands>();
        Assert.Equal(CommandStatus.Done, (await commands.RunAsync(id, default)).Status);
        Assert.Equal(CommandStatus.Done, (await commands.PauseAsync(id, default)).Status); // the first browser

        // The second browser still shows the campaign running.
        var actions = Render<CampaignActions>(p => p.Add(a => a.CampaignId, id).Add(a => a.State, CampaignState.Running));
        await actions.InvokeAsync(() => actions.FindAll("button").Single(b => b.TextContent.Trim() == "Pause").Click());

        var snackbar = Services.GetRequiredService<ISnackbar>();
        actions.WaitForAssertion(() => Assert.Contains(snackbar.ShownSnackbars, s => s.Message == "The campaign is Paused and cannot be paused."));
    }

    [Fact]
    public async Task Open_pages_that_see_one_change_of_state_share_one_read_and_the_next_change_is_read_again()
    {
        var id = await CampaignSeed.CreateCampaignAsync(app.Services, "Shared reads", 3);
        var catalog = app.Services.GetRequiredService<CampaignCatalog>();
        var stats = app.Services.GetRequiredService<Triton.Core.Tracking.TrackingStats>();
        var appFeed = app.Services.GetRequiredService<ICampaignProgressFeed>();
        var since = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();

        // Two pages ask for what a change of state seen at `since` changed: each read is made once (the
        // same objects come back to both), the row, the runs, the first page of deliveries and the stats.
        var rows = await Task.WhenAll(catalog.FindAsync(id, since, default), catalog.FindAsync(id, since, default));
        Assert.Same(rows[0], rows[1]);
        Assert.Equal(CampaignState.Idle, rows[0]!.State);
        var runs = await Task.WhenAll(catalog.RunsAsync(id, 50, since, default), catalog.RunsAsync(id, 50, since, default));
        Assert.Same(runs[0], runs[1]);
        var pages = await Task.WhenAll(catalog.DeliveriesAsync(id, null, 0, 25, since, default), catalog.DeliveriesAsync(id, null, 0, 25, since, default));
        Assert.Same(pages[0], pages[1]);
        var (from, to) = stats.Range(null, null)!.Value;
        var reports = await Task.WhenAll(
            stats.SourceAsync(TrackedSource.Campaign, id, from, to, since, default),
            stats.SourceAsync(TrackedSource.Campaign, id, from, to, since, default));
        Assert.Same(reports[0], reports[1]);
        // Another page of deliveries is a read of its own.
        Assert.NotSame(pages[0], await catalog.DeliveriesAsync(id, null, 1, 25, since, default));

        // The campaign runs: the feed publishes the change, and what the pages ask for then is read again.
        Assert.Equal(CommandStatus.Done, (await app.Services.GetRequiredService<ICampaignCommands>().RunAsync(id, default)).Status);
        CampaignProgressEvent? changed = null;
        for (var i = 0; i < 200 && (changed = appFeed.Latest(id)) is null or { State: CampaignState.Idle }; i++) await Task.Delay(50);
        Assert.NotNull(changed);
        var after = await catalog.FindAsync(id, changed.At, default);
        Assert.NotSame(rows[0], after);
        Assert.NotEqual(CampaignState.Idle, after!.State);
        Assert.NotSame(pages[0], await catalog.DeliveriesAsync(id, null, 0, 25, changed.At, default));
        await app.Services.GetRequiredService<ICampaignCommands>().StopAsync(id, default);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services dispose only asynchronously.</summary>
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>A new campaign of three recipients, its page open for an editor and following the test's feed.</summary>
    private async Task<(int Id, IRenderedComponent<CampaignPage> Page)> OpenAsEditorAsync(string name)
    {
        var id = await CampaignSeed.CreateCampaignAsync(app.Services, name, 3);
        SignIn(AdminRoles.Editor);
        var page = Render<CampaignPage>(p => p.Add(c => c.Id, id));
        page.WaitForAssertion(() => Assert.Equal(1, feed.Subscribers));
        return (id, page);
    }

    private void SignIn(string role)
    {
        auth.SetAuthorized("someone@example.com");
        auth.SetRoles(role);
    }

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<CampaignPage> page, string name) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == name);

    private static string Counter(IRenderedComponent<CampaignPage> page, string name) =>
        page.Find($"[data-progress=\"{name}\"]").TextContent;
}
