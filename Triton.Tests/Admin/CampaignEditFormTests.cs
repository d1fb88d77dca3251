using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Web.Access;

namespace Triton.Tests.Admin;

/// <summary>The campaign edit page over real HTTP: the API's validator and the API's state rule.</summary>
public sealed class CampaignEditFormTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;

    public CampaignEditFormTests(AdminApp app) => this.app = app;

    [Fact]
    public async Task Bad_input_shows_errors_beside_fields_and_changes_nothing()
    {
        var id = await SeedCampaignAsync("edit-bad", CampaignState.Idle);
        using var client = await AdminForm.SignedInAsync(app);
        var path = $"/campaigns/{id}/edit";
        var form = await client.GetStringAsync(path);
        Assert.Contains("value=\"edit-bad campaign\"", form);
        var response = await AdminForm.PostAsync(client, path, "campaign", new()
        {
            ["Form.Name"] = "Renamed but broken",
            ["Form.FromAddress"] = "nobody",
            ["Form.Subjects"] = "",
            ["Form.Concurrency"] = "0",
            ["Form.CustomHeaders"] = "no colon here",
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("data-field-error=\"FromAddress\"", html);
        Assert.Contains("data-field-error=\"Subjects\"", html);
        Assert.Contains("data-field-error=\"Concurrency\"", html);
        Assert.Contains("data-field-error=\"CustomHeaders\"", html);
        var saved = await CampaignAsync(id);
        Assert.Equal("edit-bad campaign", saved.Name);
        Assert.Equal("news@example.com", saved.FromAddress);
        Assert.Equal(["Hello"], saved.Subjects);
        Assert.Equal(4, saved.Concurrency);
    }

    [Fact]
    public async Task The_edit_form_shows_the_saved_choices_selected()
    {
        var id = await SeedCampaignAsync("edit-choices", CampaignState.Idle);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
            // Another template, list and transport first in the lists, so the saved one is not the default.
            var now = DateTimeOffset.UtcNow;
            db.AddRange(new Template { Name = "AAA first template", Body = "x", UpdatedAt = now },
                new MailingList { Name = "AAA first list", CreatedAt = now },
                new Transport { Name = "AAA first transport", Kind = TransportKind.Pickup, UpdatedAt = now });
            await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(u => u.SetProperty(c => c.SubjectMode, SubjectMode.Sequential));
            await db.SaveChangesAsync();
        }
        var saved = await CampaignAsync(id);
        using var client = await AdminForm.SignedInAsync(app);
        var html = await client.GetStringAsync($"/campaigns/{id}/edit");
        Assert.Matches($"<option value=\"{saved.TemplateId}\" selected", html);
        Assert.Matches($"<option value=\"{saved.ListId}\" selected", html);
        Assert.Matches($"<option value=\"{saved.TransportId}\" selected", html);
        Assert.Matches("<option value=\"sequential\" selected", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<option value=\"[^\"]*\" selected"), m => m.Value.Contains("sequential"));
    }

    [Fact]
    public async Task Good_input_saves_every_field()
    {
        var id = await SeedCampaignAsync("edit-good", CampaignState.Paused);
        using var client = await AdminForm.SignedInAsync(app);
        var current = await CampaignAsync(id);
        var response = await AdminForm.PostAsync(client, $"/campaigns/{id}/edit", "campaign", new()
        {
            ["Form.Name"] = "Edited campaign",
            ["Form.Description"] = "Now with a description",
            ["Form.TemplateId"] = current.TemplateId.ToString(),
            ["Form.ListId"] = current.ListId.ToString(),
            ["Form.TransportId"] = current.TransportId.ToString(),
            ["Form.FromAddress"] = "team@example.com",
            ["Form.FromName"] = "The team",
            ["Form.Subjects"] = "One\nTwo",
            ["Form.SubjectMode"] = "random",
            ["Form.CustomHeaders"] = "X-Edition: 2",
            ["Form.CustomVariables"] = "{\"tone\":\"warm\"}",
            ["Form.Concurrency"] = "3",
            ["Form.MaxStartDelayMinutes"] = "15",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Saved.", await response.Content.ReadAsStringAsync());
        var saved = await CampaignAsync(id);
        Assert.Equal("Edited campaign", saved.Name);
        Assert.Equal("Now with a description", saved.Description);
        Assert.Equal("team@example.com", saved.FromAddress);
        Assert.Equal("The team", saved.FromName);
        Assert.Equal(["One", "Two"], saved.Subjects);
        Assert.Equal(SubjectMode.Random, saved.SubjectMode);
        Assert.Equal("2", saved.CustomHeaders["X-Edition"]);
        Assert.Contains("warm", saved.CustomVariables);
        Assert.Equal(3, saved.Concurrency);
        Assert.Equal(15, saved.MaxStartDelayMinutes);
    }

    [Theory]
    [InlineData(CampaignState.Running)]
    [InlineData(CampaignState.Pending)]
    public async Task An_active_campaign_cannot_be_edited(CampaignState state)
    {
        var id = await SeedCampaignAsync("edit-" + state, state);
        using var client = await AdminForm.SignedInAsync(app);
        var page = await client.GetAsync($"/campaigns/{id}/edit");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        Assert.Contains("pause or stop it before editing", html);
        Assert.DoesNotContain("Form.Name", html);

        var current = await CampaignAsync(id);
        var response = await AdminForm.PostAsync(client, $"/campaigns/{id}/edit", "campaign", new()
        {
            ["Form.Name"] = "Edited while active",
            ["Form.TemplateId"] = current.TemplateId.ToString(),
            ["Form.ListId"] = current.ListId.ToString(),
            ["Form.TransportId"] = current.TransportId.ToString(),
            ["Form.FromAddress"] = "team@example.com",
            ["Form.Subjects"] = "One",
            ["Form.Concurrency"] = "3",
        }, tokenPage: "/campaigns/new");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("edit-" + state + " campaign", (await CampaignAsync(id)).Name);
    }

    [Fact]
    public async Task Viewer_cannot_open_the_edit_page_and_a_forged_post_answers_403()
    {
        var id = await SeedCampaignAsync("edit-viewer", CampaignState.Idle);
        using var client = await AdminForm.SignedInAsync(app, AdminRoles.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/campaigns/{id}/edit")).StatusCode);
        var token = AdminFormsTests.Token(await client.GetStringAsync($"/campaigns/{id}"));
        var forged = await client.PostAsync($"/campaigns/{id}/edit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "campaign",
            ["__RequestVerificationToken"] = token,
            ["Form.Name"] = "Forged",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("edit-viewer campaign", (await CampaignAsync(id)).Name);
    }

    private async Task<int> SeedCampaignAsync(string name, CampaignState state)
    {
        // An active campaign is picked up by the engine: a slow transport keeps it active through the test.
        var parts = await CampaignSeed.CreateAsync(app.Services, name, 3, ratePerSecond: 0.01);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        var campaign = new Campaign
        {
            Name = name + " campaign", TemplateId = parts.TemplateId, ListId = parts.ListId, TransportId = parts.TransportId,
            FromAddress = "news@example.com", Subjects = ["Hello"], Concurrency = 4, State = state,
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        return campaign.Id;
    }

    private async Task<Campaign> CampaignAsync(int id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TritonDbContext>().Campaigns.AsNoTracking().SingleAsync(c => c.Id == id);
    }
}
