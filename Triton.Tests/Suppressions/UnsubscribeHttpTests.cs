using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Suppressions;
using Triton.Tests.Sending;

namespace Triton.Tests.Suppressions;

/// <summary>
/// /u/{token} over HTTP on the real app, and the unsubscribe and bounce addresses in the .eml a
/// campaign writes.
/// </summary>
public sealed class UnsubscribeHttpTests : IAsyncLifetime
{
    private EngineScenario scenario = null!;

    public async Task InitializeAsync() =>
        scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Triton:PublicUrl"] = "https://news.triton.test/",
            ["Mail:BounceAddress"] = "bounces@triton.test",
        });

    public async Task DisposeAsync() => await scenario.DisposeAsync();

    private async Task<string> TokenAsync(int campaignId, string email)
    {
        var links = await scenario.Services.GetRequiredService<Unsubscribes>().ForRunAsync(default);
        var url = links.ForCampaign(campaignId, email);
        Assert.StartsWith("https://news.triton.test/u/", url);
        return url["https://news.triton.test/u/".Length..];
    }

    private async Task<List<Suppression>> SuppressionsAsync()
    {
        await using var db = scenario.Database.CreateContext();
        return await db.Suppressions.AsNoTracking().ToListAsync();
    }

    [Fact]
    public async Task Get_shows_the_confirmation_and_changes_nothing()
    {
        var token = await TokenAsync(7, "reader@example.test");
        using var client = scenario.CreateClient();

        var response = await client.GetAsync("/u/" + token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("reader@example.test", page);
        Assert.Contains($"<form method=\"post\" action=\"/u/{token}\">", page);
        Assert.Empty(await SuppressionsAsync());
    }

    [Fact]
    public async Task The_page_button_post_unsubscribes_without_a_cookie_or_antiforgery_token()
    {
        var token = await TokenAsync(7, "Reader@Example.test");
        using var client = scenario.CreateClient();

        var response = await client.PostAsync("/u/" + token, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no more newsletters", await response.Content.ReadAsStringAsync());
        var row = Assert.Single(await SuppressionsAsync());
        Assert.Equal("reader@example.test", row.Email);
        Assert.Equal(SuppressionReason.Unsubscribed, row.Reason);
        Assert.Equal("campaign 7", row.Source);

        // A second click (or the mail client's retry) changes nothing more.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/u/" + token, new FormUrlEncodedContent([]))).StatusCode);
        Assert.Single(await SuppressionsAsync());
    }

    [Fact]
    public async Task The_rfc8058_one_click_post_unsubscribes()
    {
        var token = await TokenAsync(9, "oneclick@example.test");
        using var client = scenario.CreateClient();

        var response = await client.PostAsync("/u/" + token,
            new FormUrlEncodedContent([new KeyValuePair<string, string>("List-Unsubscribe", "One-Click")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("oneclick@example.test", Assert.Single(await SuppressionsAsync()).Email);
    }

    [Fact]
    public async Task A_tampered_token_shows_an_error_and_changes_nothing()
    {
        var token = await TokenAsync(7, "victim@example.test");
        var tampered = (token[5] == 'A' ? 'B' : 'A') is var c ? token[..5] + c + token[6..] : token;
        using var client = scenario.CreateClient();

        var get = await client.GetAsync("/u/" + tampered);
        var post = await client.PostAsync("/u/" + tampered, new FormUrlEncodedContent([new KeyValuePair<string, string>("List-Unsubscribe", "One-Click")]));
        var garbage = await client.PostAsync("/u/not-a-token", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, garbage.StatusCode);
        Assert.Contains("not valid", await post.Content.ReadAsStringAsync());
        Assert.Empty(await SuppressionsAsync());
    }

    [Fact]
    public async Task Campaign_messages_carry_list_unsubscribe_and_the_verp_return_path()
    {
        var id = await scenario.CreateCampaignAsync(["one@example.test", "two@example.test"]);
        await using (var db = scenario.Database.CreateContext())
        {
            var campaign = await db.Campaigns.SingleAsync(c => c.Id == id);
            await db.Templates.Where(t => t.Id == campaign.TemplateId)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Body, "<p>Bye? <a href=\"{{unsubscribeUrl}}\">unsubscribe</a></p>"));
        }

        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);

        var file = Directory.EnumerateFiles(scenario.PickupDirectory, "*.eml")
            .Select(File.ReadAllText).Single(text => text.Contains("To: one@example.test"));
        var headers = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(file)));
        var listUnsubscribe = headers.Headers[MimeKit.HeaderId.ListUnsubscribe]!;
        Assert.Matches(@"^<https://news\.triton\.test/u/[A-Za-z0-9_-]+>, <mailto:bounces\+[A-Za-z0-9_-]+@triton\.test\?subject=unsubscribe>$", listUnsubscribe);
        Assert.Equal("List-Unsubscribe=One-Click", headers.Headers["List-Unsubscribe-Post"]);
        Assert.Matches(@"^<bounces\+[A-Za-z0-9_-]{20,50}@triton\.test>$", headers.Headers[MimeKit.HeaderId.ReturnPath]);
        // The body's link is the header's link: the same signed token for this recipient.
        var link = listUnsubscribe[1..listUnsubscribe.IndexOf('>')];
        Assert.Contains($"href=\"{link}\"", headers.HtmlBody!);

        // The link works: the recipient's GET page names them.
        using var client = scenario.CreateClient();
        Assert.Contains("one@example.test", await client.GetStringAsync(new Uri(link).PathAndQuery));
    }
}
