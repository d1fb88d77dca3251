using System.Net;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Domain;
using Triton.Tests.Mail.TestServers;
using Triton.Web.Access;

namespace Triton.Tests.Admin;

/// <summary>The transport form and its connection test over real HTTP, checked by the API's validator and mapping.</summary>
public sealed class TransportFormTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;

    public TransportFormTests(AdminApp app) => this.app = app;

    private static Dictionary<string, string> Smtp(string name, int port, string password = "") => new()
    {
        ["Form.Name"] = name,
        ["Form.Kind"] = "smtp",
        ["Form.Host"] = "127.0.0.1",
        ["Form.Port"] = port.ToString(),
        ["Form.Security"] = "none",
        ["Form.Username"] = "mailer",
        ["Form.Password"] = password,
        ["Form.AllowAuthWithoutTls"] = "true",
        ["Form.MaxConnections"] = "2",
        ["Form.MaxMessagesPerConnection"] = "50",
        ["Form.RatePerSecond"] = "12.5",
        ["Form.WindowMessages"] = "1000",
        ["Form.WindowSeconds"] = "3600",
    };

    [Fact]
    public async Task Bad_input_shows_field_errors_and_saves_nothing()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var response = await AdminForm.PostAsync(client, "/transports/new", "transport", new()
        {
            ["Form.Name"] = "Broken transport",
            ["Form.Kind"] = "smtp",
            ["Form.Host"] = "",
            ["Form.Port"] = "70000",
            ["Form.Security"] = "ssl3",
            ["Form.WindowMessages"] = "100",
            ["Form.WindowSeconds"] = "0",
            ["Form.Password"] = "s3cret-never-echoed",
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        foreach (var field in new[] { "Host", "Port", "Security", "WindowSeconds" })
            Assert.Contains($"data-field-error=\"{field}\"", html);
        Assert.DoesNotContain("s3cret-never-echoed", html);
        await using var db = app.Db();
        Assert.False(await db.Transports.AnyAsync(t => t.Name == "Broken transport"));
    }

    [Fact]
    public async Task Valid_input_saves_with_the_password_encrypted_and_a_blank_password_keeps_it()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var created = await AdminForm.PostAsync(client, "/transports/new", "transport", Smtp("Relay", 2525, "relay-password"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Transport saved;
        await using (var db = app.Db())
            saved = await db.Transports.AsNoTracking().SingleAsync(t => t.Name == "Relay");
        Assert.Equal($"/transports/{saved.Id}?saved=true", AdminForm.Location(created));
        Assert.Equal(TransportKind.Smtp, saved.Kind);
        Assert.Equal(TransportSecurity.None, saved.Security);
        Assert.Equal((2, 50, 12.5, 1000, 3600), (saved.MaxConnections, saved.MaxMessagesPerConnection, saved.RatePerSecond, saved.WindowMessages, saved.WindowSeconds));
        Assert.NotNull(saved.ProtectedPassword);
        Assert.DoesNotContain("relay-password", saved.ProtectedPassword);

        var page = await client.GetStringAsync($"/transports/{saved.Id}");
        Assert.DoesNotContain("relay-password", page);
        Assert.DoesNotContain(saved.ProtectedPassword!, page);
        Assert.Contains("Stored; leave blank to keep it", page);
        Assert.Matches("<option value=\"none\" selected", page);
        Assert.Matches("<option value=\"smtp\" selected", page);

        var edited = await AdminForm.PostAsync(client, $"/transports/{saved.Id}", "transport", Smtp("Relay renamed", 2525));
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        await using (var db = app.Db())
        {
            var after = await db.Transports.AsNoTracking().SingleAsync(t => t.Id == saved.Id);
            Assert.Equal(("Relay renamed", 2525), (after.Name, after.Port));
            Assert.Equal(saved.ProtectedPassword, after.ProtectedPassword);
        }

        // The stored password was entered for port 2525: another port needs it again, and nothing is saved.
        var moved = await AdminForm.PostAsync(client, $"/transports/{saved.Id}", "transport", Smtp("Relay moved", 2526));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, moved.StatusCode);
        var movedPage = await moved.Content.ReadAsStringAsync();
        Assert.Contains("data-field-error=\"Password\"", movedPage);
        Assert.Contains("Enter the password again", movedPage);
        await using (var db = app.Db())
        {
            var after = await db.Transports.AsNoTracking().SingleAsync(t => t.Id == saved.Id);
            Assert.Equal(("Relay renamed", 2525), (after.Name, after.Port));
        }

        var cleared = Smtp("Relay renamed", 2526);
        cleared["Form.ClearPassword"] = "true";
        Assert.Equal(HttpStatusCode.Redirect, (await AdminForm.PostAsync(client, $"/transports/{saved.Id}", "transport", cleared)).StatusCode);
        await using (var db = app.Db())
            Assert.Null((await db.Transports.AsNoTracking().SingleAsync(t => t.Id == saved.Id)).ProtectedPassword);
    }

    [Fact]
    public async Task Test_connection_shows_what_the_server_advertised_after_authenticating()
    {
        await using var server = new ScriptedSmtpServer { Username = "mailer", Password = "relay-password" };
        using var client = await AdminForm.SignedInAsync(app);
        var created = await AdminForm.PostAsync(client, "/transports/new", "transport", Smtp("Scripted relay", server.Port, "relay-password"));
        var path = AdminForm.Location(created);

        var tested = await AdminForm.PostAsync(client, path, "transport-test", []);
        var html = await tested.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        Assert.Contains("data-connection-success=\"true\"", html);
        Assert.Contains("220 scripted.test ESMTP ready", html);
        Assert.Contains("SIZE 10000000", html);
        Assert.Contains("LOGIN, PLAIN", html);
        Assert.Matches(@"<dt>Authenticated</dt><dd>yes</dd>", html);
    }

    [Fact]
    public async Task Test_connection_shows_the_error_when_nothing_listens()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = await AdminForm.SignedInAsync(app);
        var created = await AdminForm.PostAsync(client, "/transports/new", "transport", Smtp("Nobody home", closedPort));
        var tested = await AdminForm.PostAsync(client, AdminForm.Location(created), "transport-test", []);
        var html = await tested.Content.ReadAsStringAsync();
        Assert.Contains("data-connection-success=\"false\"", html);
        Assert.Contains("The test failed", html);
    }

    [Fact]
    public async Task Viewer_sees_the_transport_read_only_and_forged_posts_answer_403()
    {
        using var editor = await AdminForm.SignedInAsync(app);
        var created = await AdminForm.PostAsync(editor, "/transports/new", "transport", new()
        {
            ["Form.Name"] = "Viewed pickup",
            ["Form.Kind"] = "pickup",
            ["Form.PickupDirectory"] = "viewed-pickup",
        });
        var path = AdminForm.Location(created);

        using var viewer = await AdminForm.SignedInAsync(app, AdminRoles.Viewer);
        var page = await viewer.GetStringAsync(path);
        Assert.Contains("<fieldset disabled", page);
        Assert.DoesNotContain("Test connection", page);
        Assert.DoesNotContain("/transports/new", await viewer.GetStringAsync("/transports"));

        var forged = await AdminForm.PostAsync(viewer, path, "transport", new()
        {
            ["Form.Name"] = "Changed by a viewer",
            ["Form.Kind"] = "pickup",
        });
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var forgedTest = await AdminForm.PostAsync(viewer, path, "transport-test", []);
        Assert.Equal(HttpStatusCode.Forbidden, forgedTest.StatusCode);
        Assert.DoesNotContain("data-connection-success", await forgedTest.Content.ReadAsStringAsync());
        var forgedNew = await AdminForm.PostAsync(viewer, "/transports/new", "transport", new()
        {
            ["Form.Name"] = "Created by a viewer",
            ["Form.Kind"] = "pickup",
        }, tokenPage: "/transports");
        Assert.Equal(HttpStatusCode.Forbidden, forgedNew.StatusCode);
        await using var db = app.Db();
        Assert.False(await db.Transports.AnyAsync(t => t.Name == "Changed by a viewer" || t.Name == "Created by a viewer"));
    }

    [Fact]
    public async Task Pickup_test_connection_reports_the_writable_folder()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var created = await AdminForm.PostAsync(client, "/transports/new", "transport", new()
        {
            ["Form.Name"] = "Pickup probe",
            ["Form.Kind"] = "pickup",
            ["Form.PickupDirectory"] = "probe-pickup",
        });
        var tested = await AdminForm.PostAsync(client, AdminForm.Location(created), "transport-test", []);
        var html = await tested.Content.ReadAsStringAsync();
        Assert.Contains("data-connection-success=\"true\"", html);
        Assert.Contains("is writable", html);
    }
}
