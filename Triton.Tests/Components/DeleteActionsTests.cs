using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Triggers;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Campaigns;
using Triton.Web.Components.Transports;
using Triton.Web.Components.Triggers;

namespace Triton.Tests.Components;

/// <summary>
/// Deleting from the admin, over the real services: a confirmed delete of a campaign or a trigger removes it and
/// goes back to the list; a transport in use stays, and the answer says who uses it.
/// </summary>
public sealed class DeleteActionsTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    [Fact]
    public async Task A_confirmed_delete_removes_an_idle_campaign_and_returns_to_the_list()
    {
        var id = await CampaignSeed.CreateCampaignAsync(App.Services, "Deleted from the page", 3);
        SignIn(AdminRoles.Editor);
        var actions = Render<CampaignActions>(p => p.Add(a => a.CampaignId, id).Add(a => a.State, CampaignState.Idle));

        Click(actions, "Delete");
        Dialogs.WaitForAssertion(() => Assert.Contains(CampaignActions.DeleteWarning, Dialogs.Markup), TimeSpan.FromSeconds(10));
        StaleHandlers.Retry(Dialogs, () => Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click());

        var navigation = Services.GetRequiredService<NavigationManager>();
        actions.WaitForAssertion(() => Assert.EndsWith("/campaigns", navigation.Uri), TimeSpan.FromSeconds(10));
        Assert.False(await WithDbAsync(db => db.Campaigns.AnyAsync(c => c.Id == id)));
    }

    [Fact]
    public async Task A_running_campaign_offers_no_delete()
    {
        var id = await CampaignSeed.CreateCampaignAsync(App.Services, "Running, not deletable", 1);
        SignIn(AdminRoles.Editor);
        var actions = Render<CampaignActions>(p => p.Add(a => a.CampaignId, id).Add(a => a.State, CampaignState.Running));
        Assert.DoesNotContain(actions.FindAll("button"), b => b.TextContent.Trim() == "Delete");
    }

    [Fact]
    public async Task Deleting_a_transport_a_campaign_uses_keeps_it_and_names_the_campaign()
    {
        var campaign = await CampaignSeed.CreateCampaignAsync(App.Services, "Holds its transport", 1);
        var transport = await WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaign).Select(c => c.TransportId).SingleAsync());
        SignIn(AdminRoles.Admin);
        var snackbars = Render<MudBlazor.MudSnackbarProvider>();
        var page = Render<TransportPage>(p => p.Add(t => t.Id, transport));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-action=delete-transport]")), TimeSpan.FromSeconds(10));

        StaleHandlers.Retry(page, () => page.Find("[data-action=delete-transport]").Click());
        StaleHandlers.Retry(Dialogs, () => Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click());

        snackbars.WaitForAssertion(() => Assert.Contains("Campaigns use this transport", snackbars.Markup), TimeSpan.FromSeconds(10));
        Assert.True(await WithDbAsync(db => db.Transports.AnyAsync(t => t.Id == transport)));
    }

    [Fact]
    public void A_viewer_sees_no_delete_on_a_transport()
    {
        SignIn(AdminRoles.Viewer);
        var page = Render<TransportPage>(p => p.Add(t => t.Id, 1));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("h1")), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-action=delete-transport]"));
    }

    [Fact]
    public async Task A_confirmed_delete_removes_a_trigger_without_messages_and_returns_to_the_list()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var parts = await CampaignSeed.CreateAsync(App.Services, "Deleted trigger " + suffix, 0);
        Assert.Equal(ServiceStatus.Saved, (await App.Services.GetRequiredService<EventContractService>()
            .SaveAsync(null, new ContractInput { Name = "Gone" + suffix, Variables = [] }, default)).Status);
        var triggers = Services.GetRequiredService<TriggerService>();
        var saved = await triggers.SaveAsync(null, new TriggerInput
        {
            Name = "Gone " + suffix, Event = "Gone" + suffix, TemplateId = parts.TemplateId, TransportId = parts.TransportId, Subjects = ["Hi"],
            FromAddress = "shop@example.com",
        }, default);
        var id = saved.Value!.Trigger.Id;
        SignIn(AdminRoles.Editor);
        var page = Render<TriggerPage>(p => p.Add(t => t.Id, id));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-action=delete-trigger]")), TimeSpan.FromSeconds(10));

        StaleHandlers.Retry(page, () => page.Find("[data-action=delete-trigger]").Click());
        StaleHandlers.Retry(Dialogs, () => Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click());

        var navigation = Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/triggers", navigation.Uri), TimeSpan.FromSeconds(10));
        Assert.Null(await triggers.GetAsync(id, default));
    }

    private async Task<T> WithDbAsync<T>(Func<TritonDbContext, Task<T>> read)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
        return await read(db);
    }
}
