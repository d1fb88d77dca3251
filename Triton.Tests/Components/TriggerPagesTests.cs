using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Triton.Core;
using Triton.Core.Triggers;
using Triton.Tests.Admin;
using Triton.Web.Components.Triggers;

namespace Triton.Tests.Components;

/// <summary>
/// The transactional mail editors rendered by bunit over the real app's services and database: the
/// contract variables table checks each test value as JSON and nothing is saved until all parse, and
/// the trigger editor shows why a second active trigger for an event is refused.
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
        var page = Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<TriggerEditor>(1);
            builder.AddAttribute(2, nameof(TriggerEditor.TriggerId), (int?)second.Trigger.Id);
            builder.AddAttribute(3, nameof(TriggerEditor.Form), form);
            builder.AddAttribute(4, nameof(TriggerEditor.Choices), choices);
            builder.CloseComponent();
        });

        await page.InvokeAsync(() => page.Find("input[data-field=active]").Change(true));
        Assert.True(form.Active);
        await page.InvokeAsync(() => page.Find("[data-save]").Click());

        page.WaitForAssertion(() => Assert.Contains($"Another active trigger handles '{eventName}'; deactivate it first.", page.Find("[data-save-error]").TextContent));
        Assert.False((await triggers.GetAsync(second.Trigger.Id, default))!.Trigger.Active);
    }

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
