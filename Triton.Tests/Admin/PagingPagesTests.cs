using System.Net;
using System.Text.RegularExpressions;

namespace Triton.Tests.Admin;

/// <summary>Admin pages clamp any page number, even one that is not a number, to the listing they show.</summary>
public sealed class PagingPagesTests(AdminApp app) : IClassFixture<AdminApp>
{
    [Theory]
    [InlineData("2147483647")]
    [InlineData("-2147483648")]
    [InlineData("0")]
    [InlineData("99999999999")]
    [InlineData("abc")]
    public async Task Any_page_number_shows_a_page_of_recipients(string page)
    {
        var campaign = await CampaignSeed.CreateCampaignAsync(app.Services, "Paged " + Guid.NewGuid().ToString("N")[..8], 3);
        int list;
        await using (var db = app.Db()) list = db.Campaigns.Single(c => c.Id == campaign).ListId;
        using var client = await AdminForm.SignedInAsync(app);

        foreach (var path in new[] { $"/lists/{list}?page={page}", $"/lists/{list}/recipients?page={page}" })
        {
            var response = await client.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {html[..Math.Min(html.Length, 500)]}");
            Assert.Contains("r0@example0.test", html);
            // The page shown is one that exists.
            var pager = Regex.Match(html, @"Page (\d+) of (\d+)");
            Assert.True(pager.Success, html);
            Assert.InRange(int.Parse(pager.Groups[1].Value), 1, int.Parse(pager.Groups[2].Value));
        }
    }
}
