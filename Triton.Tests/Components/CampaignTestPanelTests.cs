using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Triton.Core.Campaigns;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Campaigns;

namespace Triton.Tests.Components;

/// <summary>The campaign page's test form over the app's CampaignTester and its SQLite database, sending through a pickup folder.</summary>
public sealed class CampaignTestPanelTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    private IRenderedComponent<CampaignTestPanel> Open(CampaignSeed.Greeting seed, string? testAddress) =>
        Render<CampaignTestPanel>(p => p
            .Add(c => c.CampaignId, seed.CampaignId)
            .Add(c => c.ListId, seed.ListId)
            .Add(c => c.CampaignVariables, """{"shop":"Acme"}""")
            .Add(c => c.TestAddress, testAddress));

    private static string AddressOf(IRenderedComponent<CampaignTestPanel> panel) =>
        Field(panel, "Send test to").QuerySelector("input")!.GetAttribute("value") ?? "";

    private static string Frame(IRenderedComponent<CampaignTestPanel> panel) =>
        panel.Find("[data-campaign-preview] iframe[data-preview]").GetAttribute("srcdoc") ?? "";

    [Fact]
    public async Task The_form_offers_preview_and_send_with_the_address_prefilled_and_the_campaigns_variables()
    {
        var seed = await CampaignSeed.CreateGreetingAsync(App.Services, "Panel form");
        SignIn(AdminRoles.Editor);
        var panel = Open(seed, "me@example.test");

        Assert.Equal("me@example.test", AddressOf(panel));
        Assert.Single(panel.FindAll("button"), b => b.TextContent.Trim() == "Preview");
        Assert.Single(panel.FindAll("button"), b => b.TextContent.Trim() == "Send test");
        Assert.Equal("shop", panel.Find("[data-table=\"Variables\"] input[aria-label=\"Name\"]").GetAttribute("value"));
        Assert.Empty(panel.FindAll("[data-campaign-preview]"));
        Assert.Empty(panel.FindAll("[data-test-result]"));
    }

    [Fact]
    public async Task A_bad_address_shows_the_services_message_at_the_field_and_sends_nothing()
    {
        var seed = await CampaignSeed.CreateGreetingAsync(App.Services, "Panel bad address");
        SignIn(AdminRoles.Editor);
        var panel = Open(seed, null);

        Enter(panel, "Send test to", "not an address");
        Click(panel, "Send test");

        panel.WaitForAssertion(() => Assert.Equal(CampaignTestInputValidator.AddressRequired, ErrorAt(Field(panel, "Send test to"))));
        Assert.Empty(panel.FindAll("[data-test-result]"));
        Assert.Empty(Directory.EnumerateFiles(seed.PickupDirectory));
    }

    [Fact]
    public async Task Preview_as_a_chosen_recipient_fills_in_their_columns_and_the_overridden_variables()
    {
        var seed = await CampaignSeed.CreateGreetingAsync(App.Services, "Panel preview");
        SignIn(AdminRoles.Editor);
        var panel = Open(seed, null);

        // Blank: the list's first recipient.
        Click(panel, "Preview");
        panel.WaitForAssertion(() => Assert.Equal("Hello Ann", panel.Find("[data-preview-subject]").TextContent));
        Assert.Contains("Hi Ann from Acme", Frame(panel));

        // Searched on the server by part of the address, then chosen.
        Field(panel, "As recipient").QuerySelector("input")!.Input("bo@");
        Popovers.WaitForAssertion(() => Assert.Single(Popovers.FindAll(".mud-popover-open .mud-list-item")), TimeSpan.FromSeconds(5));
        Assert.Contains("bo@example.test", Popovers.Find(".mud-popover-open .mud-list-item").TextContent);
        Popovers.Find(".mud-popover-open .mud-list-item").Click();
        panel.Find("[data-table=\"Variables\"] input[aria-label=\"Value\"]").Change("Zed");
        Click(panel, "Preview");

        panel.WaitForAssertion(() => Assert.Equal("Hello Bo", panel.Find("[data-preview-subject]").TextContent));
        Assert.Equal("bo@example.test", panel.Find("[data-preview-to]").TextContent);
        Assert.Contains("Hi Bo from Zed", Frame(panel));
        Assert.Contains("Hi Bo from Zed", panel.Find("[data-preview-text]").TextContent);
        Assert.Empty(Directory.EnumerateFiles(seed.PickupDirectory));
    }

    [Fact]
    public async Task Send_test_shows_the_transports_answer_and_a_broken_template_its_error()
    {
        var seed = await CampaignSeed.CreateGreetingAsync(App.Services, "Panel send");
        SignIn(AdminRoles.Editor);
        var panel = Open(seed, "qa@example.test");

        Click(panel, "Send test");
        panel.WaitForAssertion(() => Assert.Equal("accepted", panel.Find("[data-test-result]").GetAttribute("data-test-result")));
        Assert.Contains("qa@example.test", panel.Find("[data-test-result]").TextContent);
        Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message?.StartsWith("Test sent to qa@example.test") == true);
        Assert.Single(Directory.EnumerateFiles(seed.PickupDirectory, "*.eml"));

        await CampaignSeed.SetTemplateBodyAsync(App.Services, seed.CampaignId, "<p>Hi</p>\n{{#if first_name}}never closed");
        Click(panel, "Send test");
        panel.WaitForAssertion(() => Assert.Equal("template-error", panel.Find("[data-test-result]").GetAttribute("data-test-result")));
        Assert.NotEmpty(panel.Find("[data-campaign-preview] [data-preview-error]").TextContent.Trim());
        Assert.Single(Directory.EnumerateFiles(seed.PickupDirectory, "*.eml"));
    }
}
