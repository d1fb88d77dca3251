using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core;
using Triton.Core.Campaigns;
using Triton.Core.Mail;
using Triton.Tests.Admin;

namespace Triton.Tests.Campaigns;

/// <summary>The campaign preview and test send the API and the campaign page call, over the real app's SQLite database and a pickup transport.</summary>
public sealed class CampaignTesterTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;
    private readonly CampaignTester tester;

    public CampaignTesterTests(AdminApp app)
    {
        this.app = app;
        tester = app.Services.GetRequiredService<CampaignTester>();
    }

    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    [Fact]
    public async Task A_preview_renders_as_the_chosen_recipient_or_the_lists_first_with_variables_overridden()
    {
        var seed = await CampaignSeed.CreateGreetingAsync(app.Services, "Tester preview");

        var first = await tester.PreviewAsync(seed.CampaignId, new CampaignTestInput(), default);
        Assert.Equal(ServiceStatus.Saved, first.Status);
        Assert.Equal("Hello Ann", first.Value!.Message!.Subject);
        Assert.Equal("<p>Hi Ann from Acme</p>", first.Value.Message.Html);
        Assert.Equal("Hi Ann from Acme", first.Value.Text);

        var chosen = await tester.PreviewAsync(seed.CampaignId, new CampaignTestInput { RecipientId = seed.BoId, Variables = Json(new { shop = "Zed" }) }, default);
        Assert.Equal("Hello Bo", chosen.Value!.Message!.Subject);
        Assert.Equal("bo@example.test", chosen.Value.Message.To.Address);
        Assert.Equal("<p>Hi Bo from Zed</p>", chosen.Value.Preview.Html);
        Assert.Null(chosen.Value.Preview.Error);

        var byValue = await tester.PreviewAsync(seed.CampaignId, new CampaignTestInput { AsRecipient = Json(new { email = "cy@example.test", first_name = "Cy" }) }, default);
        Assert.Equal("Hello Cy", byValue.Value!.Message!.Subject);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_sends_nothing()
    {
        var seed = await CampaignSeed.CreateGreetingAsync(app.Services, "Tester refusals");
        var other = await CampaignSeed.CreateGreetingAsync(app.Services, "Tester other list");

        var address = await tester.SendAsync(seed.CampaignId, new CampaignTestInput { Email = "not an address" }, default);
        Assert.Equal(ServiceStatus.Invalid, address.Status);
        Assert.Equal([CampaignTestInputValidator.AddressRequired], address.Errors!["email"]);
        Assert.True((await tester.SendAsync(seed.CampaignId, new CampaignTestInput(), default)).Errors!.ContainsKey("email"));

        var stranger = await tester.PreviewAsync(seed.CampaignId, new CampaignTestInput { RecipientId = other.AnnId }, default);
        Assert.Equal(ServiceStatus.Invalid, stranger.Status);
        Assert.Contains("not on the campaign's list", Assert.Single(stranger.Errors!["recipientId"]));

        var notObject = await tester.PreviewAsync(seed.CampaignId, new CampaignTestInput { Variables = Json(new[] { 1, 2 }) }, default);
        Assert.Equal(["Variables must be a JSON object."], notObject.Errors!["variables"]);
        using var twice = JsonDocument.Parse("""{"shop":"A","shop":"B"}""");
        var doubled = await tester.SendAsync(seed.CampaignId, new CampaignTestInput { Email = "qa@example.test", Variables = twice.RootElement }, default);
        Assert.Equal(["'shop' is there twice."], doubled.Errors!["variables"]);
        var blank = await tester.PreviewAsync(seed.CampaignId, new CampaignTestInput { AsRecipient = Json(new Dictionary<string, string> { [" "] = "x" }) }, default);
        Assert.True(blank.Errors!.ContainsKey("asRecipient"));

        Assert.Equal(ServiceStatus.NotFound, (await tester.PreviewAsync(int.MaxValue, new CampaignTestInput(), default)).Status);
        Assert.Empty(Directory.EnumerateFiles(seed.PickupDirectory));
    }

    [Fact]
    public async Task A_test_send_goes_through_the_campaigns_transport_to_the_address_and_is_no_delivery()
    {
        var seed = await CampaignSeed.CreateGreetingAsync(app.Services, "Tester send");

        var result = await tester.SendAsync(seed.CampaignId, new CampaignTestInput { Email = " qa@example.test ", RecipientId = seed.BoId }, default);

        Assert.Equal(ServiceStatus.Saved, result.Status);
        Assert.Equal(SendOutcome.Accepted, result.Value!.Sent!.Value.Outcome);
        var eml = await File.ReadAllTextAsync(Assert.Single(Directory.EnumerateFiles(seed.PickupDirectory, "*.eml")));
        Assert.Contains(eml.Split("\r\n"), line => line.StartsWith("To:") && line.Contains("qa@example.test"));
        Assert.Contains("Subject: Hello Bo", eml);
        Assert.Contains("Hi Bo from Acme", eml);
        await using var db = app.Db();
        Assert.False(await db.Deliveries.AnyAsync(d => d.CampaignId == seed.CampaignId));
        Assert.Equal(0, (await db.Campaigns.SingleAsync(c => c.Id == seed.CampaignId)).Progress.Sent);
    }

    [Fact]
    public async Task A_template_that_does_not_compile_or_render_answers_its_error_and_sends_nothing()
    {
        var seed = await CampaignSeed.CreateGreetingAsync(app.Services, "Tester broken");
        await CampaignSeed.SetTemplateBodyAsync(app.Services, seed.CampaignId, "<p>Hi</p>\n{{#if first_name}}never closed");

        var broken = await tester.SendAsync(seed.CampaignId, new CampaignTestInput { Email = "qa@example.test" }, default);
        Assert.Equal(ServiceStatus.Saved, broken.Status);
        Assert.Null(broken.Value!.Sent);
        Assert.False(broken.Value.Rendering.Compiles);
        Assert.NotNull(broken.Value.Rendering.Error);
        Assert.NotNull(broken.Value.Rendering.Line);
        Assert.Equal(broken.Value.Rendering.Line, broken.Value.Rendering.Preview.Line);

        await CampaignSeed.SetTemplateBodyAsync(app.Services, seed.CampaignId, "{{formatDate when \"yyyy\"}}");
        var failed = await tester.PreviewAsync(seed.CampaignId, new CampaignTestInput { Variables = Json(new { when = "soon" }) }, default);
        Assert.True(failed.Value!.Compiles);
        Assert.Null(failed.Value.Message);
        Assert.Contains("soon", failed.Value.Error);
        Assert.Empty(Directory.EnumerateFiles(seed.PickupDirectory));
    }
}
