using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core;
using Triton.Core.Groups;
using Triton.Core.Mail;
using Triton.Core.Triggers;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Groups;
using Triton.Web.Components.Transports;
using Triton.Web.Components.Triggers;

namespace Triton.Tests.Components;

/// <summary>
/// The list pages that gained a group filter, over the real app's database: choosing a group reloads the
/// server-paged grid with that group's rows only; clearing it shows them all again.
/// </summary>
public sealed class GroupFilterTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    [Fact]
    public async Task The_transports_list_shows_the_chosen_groups_transports_only()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (red, blue) = (await GroupAsync("Red " + suffix, "transport"), await GroupAsync("Blue " + suffix, "transport"));
        var transports = App.Services.GetRequiredService<TransportService>();
        foreach (var (name, group) in new[] { ("Relay red " + suffix, red.Name), ("Relay blue " + suffix, blue.Name) })
        {
            var saved = await transports.CreateAsync(new TransportInput { Name = name, Kind = "pickup", Group = group }, default);
            Assert.Equal(ServiceStatus.Saved, saved.Status);
        }
        SignIn(AdminRoles.Viewer);
        var page = Render<TransportsPage>();
        page.WaitForAssertion(() => Assert.Contains("Relay blue " + suffix, page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("Relay red " + suffix, page.Markup);

        await ChooseAsync((IRenderedComponent<Microsoft.AspNetCore.Components.IComponent>)page, red.Id);
        page.WaitForAssertion(() => Assert.DoesNotContain("Relay blue " + suffix, page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("Relay red " + suffix, page.Markup);

        await ChooseAsync((IRenderedComponent<Microsoft.AspNetCore.Components.IComponent>)page, null);
        page.WaitForAssertion(() => Assert.Contains("Relay blue " + suffix, page.Markup), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_triggers_list_shows_the_chosen_groups_triggers_only()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (red, blue) = (await GroupAsync("Red " + suffix, "trigger"), await GroupAsync("Blue " + suffix, "trigger"));
        var parts = await CampaignSeed.CreateAsync(App.Services, "Grouped triggers " + suffix, 0);
        var contracts = App.Services.GetRequiredService<EventContractService>();
        var triggers = Services.GetRequiredService<TriggerService>();
        foreach (var (name, group) in new[] { ("Welcome red " + suffix, red.Name), ("Welcome blue " + suffix, blue.Name) })
        {
            Assert.Equal(ServiceStatus.Saved, (await contracts.SaveAsync(null, new ContractInput { Name = name.Replace(" ", ""), Variables = [] }, default)).Status);
            var saved = await triggers.SaveAsync(null, new TriggerInput
            {
                Name = name, Event = name.Replace(" ", ""), TemplateId = parts.TemplateId, TransportId = parts.TransportId, Subjects = ["Hello"],
                FromAddress = "shop@example.com", Group = group,
            }, default);
            Assert.Equal(ServiceStatus.Saved, saved.Status);
        }
        SignIn(AdminRoles.Viewer);
        var page = Render<TriggersPage>();
        page.WaitForAssertion(() => Assert.Contains("Welcome blue " + suffix, page.Markup), TimeSpan.FromSeconds(10));

        await ChooseAsync((IRenderedComponent<Microsoft.AspNetCore.Components.IComponent>)page, blue.Id);
        page.WaitForAssertion(() => Assert.DoesNotContain("Welcome red " + suffix, page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("Welcome blue " + suffix, page.Markup);
    }

    private async Task<Triton.Core.Domain.Group> GroupAsync(string name, string scope)
    {
        var saved = await App.Services.GetRequiredService<GroupService>().CreateAsync(new GroupInput { Name = name, Scope = scope }, default);
        Assert.Equal(ServiceStatus.Saved, saved.Status);
        return saved.Value!;
    }

    /// <summary>What picking an entry of the select (or clearing it) hands the page.</summary>
    private static Task ChooseAsync(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> page, int? groupId)
    {
        var filter = page.FindComponent<GroupFilter>();
        return page.InvokeAsync(() => filter.Instance.ValueChanged.InvokeAsync(groupId));
    }
}
