using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Triton.Tests.Api;

/// <summary>/api/settings/bounce-mailbox: the same settings as the admin's page, the password write-only.</summary>
public sealed class SettingsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = factory.Client();

    [Fact]
    public async Task Bounce_mailbox_settings_round_trip_refuse_bad_fields_and_never_return_the_password()
    {
        var initial = await (await client.GetAsync("/api/settings/bounce-mailbox")).ReadJsonAsync();
        Assert.Equal("configuration", initial.GetProperty("source").GetString());
        Assert.False(initial.GetProperty("enabled").GetBoolean());
        Assert.False(initial.GetProperty("status").GetProperty("configured").GetBoolean());

        var refused = await client.PutAsync("/api/settings/bounce-mailbox", Problems.Json(new
        {
            enabled = true, host = "", port = 0, protocol = "smtp", security = "ssl", pollSeconds = 0, password = "api-secret-never-echoed",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.ReadJsonAsync();
        foreach (var field in new[] { "host", "port", "protocol", "security", "pollSeconds" })
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
        Assert.False(await factory.WithDbAsync(db => db.BounceMailboxSettings.AnyAsync()));

        var saved = await client.PutAsync("/api/settings/bounce-mailbox", Problems.Json(new
        {
            enabled = true, host = "imap.example.org", protocol = "imap", security = "tls", username = "bounces",
            password = "api-secret-52", folder = "Bounces", pollSeconds = 300,
        }));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var text = await saved.Content.ReadAsStringAsync();
        Assert.DoesNotContain("api-secret-52", text);
        var body = await saved.ReadJsonAsync();
        Assert.Equal("saved", body.GetProperty("source").GetString());
        Assert.Equal("tls", body.GetProperty("security").GetString());
        Assert.Equal("Bounces", body.GetProperty("folder").GetString());
        Assert.True(body.GetProperty("hasPassword").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("port").ValueKind);

        var stored = await factory.WithDbAsync(db => db.BounceMailboxSettings.AsNoTracking().SingleAsync());
        Assert.DoesNotContain("api-secret-52", stored.ProtectedPassword);
        var read = await client.GetStringAsync("/api/settings/bounce-mailbox");
        Assert.DoesNotContain("api-secret-52", read);
        Assert.DoesNotContain(stored.ProtectedPassword!, read);
        Assert.True(JsonDocument.Parse(read).RootElement.GetProperty("status").GetProperty("configured").GetBoolean());
    }
}
