using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;

namespace Triton.Tests.Admin;

/// <summary>The campaign form over real HTTP, checked by the API's validator.</summary>
public sealed class CampaignFormTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;

    public CampaignFormTests(AdminApp app) => this.app = app;

    [Fact]
    public async Task Bad_input_shows_errors_beside_fields_and_saves_nothing()
    {
        using var client = app.CreateBrowserlessClient();
        await AdminFormsTests.SignInAsync(client, AdminApp.AdminEmail, AdminApp.AdminPassword, "/");
        var form = await client.GetStringAsync("/campaigns/new");
        var response = await client.PostAsync("/campaigns/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "campaign",
            ["__RequestVerificationToken"] = AdminFormsTests.Token(form),
            ["Form.Name"] = "Broken",
            ["Form.FromAddress"] = "not an address",
            ["Form.Subjects"] = "",
            ["Form.CustomVariables"] = "[1,2]",
            ["Form.Concurrency"] = "0",
        }));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("data-field-error=\"FromAddress\"", html);
        Assert.Contains("data-field-error=\"Subjects\"", html);
        Assert.Contains("data-field-error=\"TemplateId\"", html);
        Assert.Contains("data-field-error=\"Concurrency\"", html);
        Assert.Contains("data-field-error=\"CustomVariables\"", html);
        using var scope = app.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Campaigns.AnyAsync(c => c.Name == "Broken"));
    }

    [Fact]
    public async Task Valid_input_creates_the_campaign_and_opens_its_page()
    {
        var parts = await CampaignSeed.CreateAsync(app.Services, "form", 2);
        using var client = app.CreateBrowserlessClient();
        await AdminFormsTests.SignInAsync(client, AdminApp.AdminEmail, AdminApp.AdminPassword, "/");
        var form = await client.GetStringAsync("/campaigns/new");
        var response = await client.PostAsync("/campaigns/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "campaign",
            ["__RequestVerificationToken"] = AdminFormsTests.Token(form),
            ["Form.Name"] = "Created from the form",
            ["Form.TemplateId"] = parts.TemplateId.ToString(),
            ["Form.ListId"] = parts.ListId.ToString(),
            ["Form.TransportId"] = parts.TransportId.ToString(),
            ["Form.FromAddress"] = "news@example.com",
            ["Form.Subjects"] = "Hello\nHi again",
            ["Form.SubjectMode"] = "sequential",
            ["Form.CustomHeaders"] = "X-Campaign: spring",
            ["Form.CustomVariables"] = "{\"season\":\"spring\"}",
            ["Form.Concurrency"] = "8",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        using var scope = app.Services.CreateScope();
        var saved = await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Campaigns.SingleAsync(c => c.Name == "Created from the form");
        Assert.Equal($"/campaigns/{saved.Id}", response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.AbsolutePath : response.Headers.Location.OriginalString);
        Assert.Equal(["Hello", "Hi again"], saved.Subjects);
        Assert.Equal("spring", saved.CustomHeaders["X-Campaign"]);
        Assert.Equal(8, saved.Concurrency);
    }
}
