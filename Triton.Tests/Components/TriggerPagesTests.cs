using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Microsoft.EntityFrameworkCore;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Tracking;
using Triton.Core.Triggers;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Triggers;

namespace Triton.Tests.Components;

/// <summary>
/// The transactional mail editors rendered by bunit over the real app's services and database: the
/// contract variables table checks each test value as JSON and nothing is saved until all parse, and
/// the trigger editor shows why a second active trigger for an event is refused and saves its tracking,
/// and the trigger page shows the trigger's own stats.
/// </summary>
public sealed class TriggerPagesTests : BunitContext, IClassFixture<AdminApp>, IAsyncLifetime
{
    private readonly AdminApp app;
    private readonly IServiceScope scope;

    public TriggerPagesTests(AdminApp app)
    {
        this.app = app;
        scope = app.Services.CreateScope();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(app.Services.GetRequiredService<EventContractService>());
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<TriggerService>());
        Services.AddSingleton(app.Services.GetRequiredService<TriggerTester>());
        Services.AddSingleton(app.Services.GetRequiredService<TriggerAutotest>());
        Services.AddSingleton(app.Services.GetRequiredService<TrackingStats>());
        Services.AddSingleton(app.Services.GetRequiredService<UserPreferences>());
        var auth = AddAuthorization();
        auth.SetAuthorized("editor@example.com");
        auth.SetRoles(AdminRoles.Editor);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void A_test_value_that_is_not_json_is_marked_on_its_row_until_it_parses()
    {
        var rows = new List<ContractVariableRow> { new() { Name = "code", TestValue = "\"123456\"" }, new() { Name = "order", TestValue = "{}" } };
        var table = Render<ContractVariablesTable>(p => p.Add(t => t.Rows, rows).Add(t => t.Errors, new Dictionary<string, string[]>()));
        Assert.DoesNotContain("Not valid JSON", table.Markup);

        TestValueInput(table, 1).Input("{\"city\": ");
        table.WaitForAssertion(() => Assert.Contains("Not valid JSON", RowText(table, 1)));
        Assert.DoesNotContain("Not valid JSON", RowText(table, 0));
        Assert.Equal("{\"city\": ", rows[1].TestValue);

        TestValueInput(table, 1).Input("{\"city\": \"Oslo\"}");
        table.WaitForAssertion(() => Assert.DoesNotContain("Not valid JSON", table.Markup));

        // An unquoted word is not JSON either: a text value needs its quotes.
        TestValueInput(table, 0).Input("123abc");
        table.WaitForAssertion(() => Assert.Contains("Not valid JSON", RowText(table, 0)));
    }

    [Fact]
    public async Task A_contract_with_a_bad_test_value_is_not_saved_and_says_which_row()
    {
        var name = "Unsaved" + Guid.NewGuid().ToString("N")[..8];
        var form = new ContractFormModel
        {
            Name = name,
            Variables = [new() { Name = "code", TestValue = "\"1\"" }, new() { Name = "amount", TestValue = "12,5" }],
        };
        var editor = Render<ContractEditor>(p => p.Add(e => e.Form, form));

        await editor.InvokeAsync(() => editor.Find("[data-save]").Click());

        editor.WaitForAssertion(() => Assert.Contains("Not valid JSON", RowText(editor, 1)));
        Assert.Null(await app.Services.GetRequiredService<EventContractService>().FindByEventAsync(name, default));

        // Fixed, the same form saves, the value stored as the JSON typed.
        TestValueInput(editor, 1).Input("12.5");
        await editor.InvokeAsync(() => editor.Find("[data-save]").Click());
        var saved = await WaitForContractAsync(name);
        Assert.Equal(["\"1\"", "12.5"], saved.Variables.Select(v => v.TestValue));
    }

    [Fact]
    public async Task Activating_a_second_trigger_for_an_event_shows_the_conflict_reason()
    {
        var parts = await CampaignSeed.CreateAsync(app.Services, "Conflict " + Guid.NewGuid().ToString("N")[..6], 0);
        var eventName = "OrderShipped" + Guid.NewGuid().ToString("N")[..6];
        var contracts = app.Services.GetRequiredService<EventContractService>();
        Assert.Equal(ServiceStatus.Saved, (await contracts.SaveAsync(null, new ContractInput { Name = eventName, Variables = [] }, default)).Status);
        var triggers = scope.ServiceProvider.GetRequiredService<TriggerService>();
        TriggerInput Input(string name, bool active) => new()
        {
            Name = name, Event = eventName, TemplateId = parts.TemplateId, TransportId = parts.TransportId, Subjects = ["Shipped"],
            FromAddress = "shop@example.com", Active = active,
        };
        Assert.Equal(ServiceStatus.Saved, (await triggers.SaveAsync(null, Input(eventName + " first", true), default)).Status);
        var second = (await triggers.SaveAsync(null, Input(eventName + " second", false), default)).Value!;

        var form = TriggerFormModel.From(second);
        var choices = await triggers.ChoicesAsync(default);
        var page = RenderEditor(second.Trigger.Id, form, choices);

        await page.InvokeAsync(() => page.Find("input[data-field=active]").Change(true));
        Assert.True(form.Active);
        await page.InvokeAsync(() => page.Find("[data-save]").Click());

        page.WaitForAssertion(() => Assert.Contains($"Another active trigger handles '{eventName}'; deactivate it first.", page.Find("[data-save-error]").TextContent));
        Assert.False((await triggers.GetAsync(second.Trigger.Id, default))!.Trigger.Active);
    }

    [Fact]
    public async Task The_trigger_editor_picks_a_tracking_category_by_name_and_saves_tracking_off()
    {
        var trigger = await CreateTriggerAsync("Tracked");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var categories = scope.ServiceProvider.GetRequiredService<CategoryService>();
        var receipts = (await categories.SaveAsync(null, new CategoryInput { Name = "Receipts " + suffix }, default)).Value!.Category.Id;
        await categories.SaveAsync(null, new CategoryInput { Name = "Alerts " + suffix }, default);
        var triggers = scope.ServiceProvider.GetRequiredService<TriggerService>();
        var form = TriggerFormModel.From(trigger);
        var page = RenderEditor(trigger.Trigger.Id, form, await triggers.ChoicesAsync(default));
        Assert.True(page.Find("input[data-field=tracking]").HasAttribute("checked"));

        await page.InvokeAsync(() => page.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == "Tracking category").MouseDown());
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("div.mud-list-item")));
        var items = page.FindAll("div.mud-list-item").Select(i => i.TextContent.Trim()).ToList();
        Assert.Equal("None", items[0]);
        Assert.Contains("Receipts " + suffix, items);
        Assert.Contains("Alerts " + suffix, items);
        await page.InvokeAsync(() => page.FindAll("div.mud-list-item").Single(i => i.TextContent.Trim() == "Receipts " + suffix).Click());
        await page.InvokeAsync(() => page.Find("input[data-field=tracking]").Change(false));
        Assert.Equal((receipts, false), (form.TrackingCategoryId, form.Tracking));
        await page.InvokeAsync(() => page.Find("[data-save]").Click());

        for (var i = 0; i < 50 && (await triggers.GetAsync(trigger.Trigger.Id, default))!.Trigger.TrackingCategoryId != receipts; i++) await Task.Delay(100);
        var saved = (await triggers.GetAsync(trigger.Trigger.Id, default))!.Trigger;
        Assert.Equal(receipts, saved.TrackingCategoryId);
        Assert.False(saved.TrackingEnabled);
    }

    [Fact]
    public async Task The_trigger_page_shows_the_triggers_own_stats_in_its_Stats_tab()
    {
        var trigger = (await CreateTriggerAsync("Stats")).Trigger;
        var store = app.Services.GetRequiredService<TrackingStore>();
        var now = DateTimeOffset.UtcNow;
        TrackingPayload Payload(TrackedSource source, long reference, string? url = null) =>
            new(source, trigger.Id, reference, 0, now.ToUnixTimeSeconds(), "u" + reference, url);
        var at = now.ToUnixTimeMilliseconds();
        await store.WriteAsync(
        [
            new(TrackingEventKind.Open, Payload(TrackedSource.Trigger, 1), false, at),
            new(TrackingEventKind.Click, Payload(TrackedSource.Trigger, 1, "https://example.org/reset"), false, at),
            // A campaign with the same id: not the trigger's.
            new(TrackingEventKind.Open, Payload(TrackedSource.Campaign, 2), false, at),
            new(TrackingEventKind.Open, Payload(TrackedSource.Campaign, 3), false, at),
        ], CancellationToken.None);

        var page = Render<TriggerPage>(p => p.Add(t => t.Id, trigger.Id));
        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".mud-tab"), t => t.TextContent.Trim() == "Stats"), TimeSpan.FromSeconds(10));
        await page.InvokeAsync(() => page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Stats").Click());

        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-campaign-stats] [data-stat=uniqueOpens]").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Contains("https://example.org/reset", page.Find("[data-top-links]").TextContent);
        // Made without a category: the tab says why nothing new is tracked.
        Assert.NotEmpty(page.FindAll("[data-untracked]"));
    }

    private async Task<TriggerView> CreateTriggerAsync(string name)
    {
        var parts = await CampaignSeed.CreateAsync(app.Services, name + " " + Guid.NewGuid().ToString("N")[..6], 0);
        var eventName = name + "Event" + Guid.NewGuid().ToString("N")[..6];
        var contracts = app.Services.GetRequiredService<EventContractService>();
        Assert.Equal(ServiceStatus.Saved, (await contracts.SaveAsync(null, new ContractInput { Name = eventName, Variables = [] }, default)).Status);
        var saved = await scope.ServiceProvider.GetRequiredService<TriggerService>().SaveAsync(null, new TriggerInput
        {
            Name = eventName, Event = eventName, TemplateId = parts.TemplateId, TransportId = parts.TransportId, Subjects = ["Hello"],
            FromAddress = "shop@example.com",
        }, default);
        Assert.Equal(ServiceStatus.Saved, saved.Status);
        return saved.Value!;
    }

    /// <summary>The editor with the popover provider its selects open their lists in, as the layout renders it.</summary>
    private IRenderedComponent<ContainerFragment> RenderEditor(int triggerId, TriggerFormModel form, TriggerChoices choices) => Render(builder =>
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<TriggerEditor>(1);
        builder.AddAttribute(2, nameof(TriggerEditor.TriggerId), (int?)triggerId);
        builder.AddAttribute(3, nameof(TriggerEditor.Form), form);
        builder.AddAttribute(4, nameof(TriggerEditor.Choices), choices);
        builder.CloseComponent();
    });

    private async Task<Triton.Core.Domain.EventContract> WaitForContractAsync(string name)
    {
        var contracts = app.Services.GetRequiredService<EventContractService>();
        for (var i = 0; i < 50; i++)
        {
            if (await contracts.FindByEventAsync(name, default) is { } found) return found;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"The contract {name} was not saved.");
    }

    private static AngleSharp.Dom.IElement TestValueInput<T>(IRenderedComponent<T> rendered, int row) where T : IComponent =>
        rendered.FindAll($"[data-variable-row=\"{row}\"] input")[1];

    private static string RowText<T>(IRenderedComponent<T> rendered, int row) where T : IComponent => rendered.Find($"[data-variable-row=\"{row}\"]").TextContent;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services dispose only asynchronously.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        scope.Dispose();
    }
}
