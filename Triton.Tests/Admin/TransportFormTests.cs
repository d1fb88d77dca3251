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

    /// <summary>The form's fields as the Test connection button posts them.</summary>
    private static Dictionary<string, string> Testing(Dictionary<string, string> fields) => new(fields) { ["Form.Action"] = "test" };

    [Fact]
    public async Task Test_connection_shows_what_the_server_advertised_after_authenticating()
    {
        await using var server = new ScriptedSmtpServer { Username = "mailer", Password = "relay-password" };
        using var client = await AdminForm.SignedInAsync(app);
        var created = await AdminForm.PostAsync(client, "/transports/new", "transport", Smtp("Scripted relay", server.Port, "relay-password"));
        var path = AdminForm.Location(created);

        var tested = await AdminForm.PostAsync(client, path, "transport", Testing(Smtp("Scripted relay", server.Port)));
        var html = await tested.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        Assert.Contains("data-connection-success=\"true\"", html);
        Assert.Contains("220 scripted.test ESMTP ready", html);
        Assert.Contains("SIZE 10000000", html);
        Assert.Contains("LOGIN, PLAIN", html);
        Assert.Matches(@"<dt>Authenticated</dt><dd>yes</dd>", html);
    }

    [Fact]
    public async Task Test_connection_of_unsaved_values_sends_the_stored_password_only_where_it_was_entered_for()
    {
        await using var relay = new ScriptedSmtpServer { Username = "mailer", Password = "relay-password" };
        await using var elsewhere = new ScriptedSmtpServer { Username = "mailer", Password = "relay-password" };
        using var client = await AdminForm.SignedInAsync(app);
        var created = await AdminForm.PostAsync(client, "/transports/new", "transport", Smtp("Unsaved test relay", relay.Port, "relay-password"));
        var path = AdminForm.Location(created);

        // Another port in the form, the password left blank: refused like a save, and nothing reaches that port.
        var refused = await AdminForm.PostAsync(client, path, "transport", Testing(Smtp("Unsaved test relay", elsewhere.Port)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("data-field-error=\"Password\"", html);
        Assert.Contains("Enter the password again", html);
        Assert.DoesNotContain("data-connection-success", html);
        Assert.Equal(0, elsewhere.SessionCount);

        // With the password typed again the unsaved values are tested, and still not saved.
        var retyped = await AdminForm.PostAsync(client, path, "transport", Testing(Smtp("Unsaved test relay", elsewhere.Port, "relay-password")));
        Assert.Equal(HttpStatusCode.OK, retyped.StatusCode);
        Assert.Contains("data-connection-success=\"true\"", await retyped.Content.ReadAsStringAsync());
        Assert.Equal(1, elsewhere.SessionCount);
        await using (var db = app.Db())
            Assert.Equal(relay.Port, (await db.Transports.AsNoTracking().SingleAsync(t => t.Name == "Unsaved test relay")).Port);

        // The saved destination with a blank password uses the stored one.
        var same = await AdminForm.PostAsync(client, path, "transport", Testing(Smtp("Unsaved test relay", relay.Port)));
        Assert.Matches(@"<dt>Authenticated</dt><dd>yes</dd>", await same.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Editor_sees_transports_read_only_and_forged_posts_answer_403()
    {
        await using var server = new ScriptedSmtpServer { Username = "mailer", Password = "relay-password" };
        using var admin = await AdminForm.SignedInAsync(app);
        var path = AdminForm.Location(await AdminForm.PostAsync(admin, "/transports/new", "transport", Smtp("Admins only", server.Port, "relay-password")));

        using var editor = await AdminForm.SignedInAsync(app, AdminRoles.Editor);
        var page = await editor.GetStringAsync(path);
        Assert.Contains("<fieldset disabled", page);
        Assert.DoesNotContain("Test connection", page);
        Assert.DoesNotContain(">Save<", page);
        Assert.DoesNotContain("/transports/new", await editor.GetStringAsync("/transports"));
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.GetAsync("/transports/new")).StatusCode);

        var forgedSave = await AdminForm.PostAsync(editor, path, "transport", Smtp("Changed by an editor", server.Port));
        Assert.Equal(HttpStatusCode.Forbidden, forgedSave.StatusCode);
        var forgedTest = await AdminForm.PostAsync(editor, path, "transport", Testing(Smtp("Admins only", server.Port)));
        Assert.Equal(HttpStatusCode.Forbidden, forgedTest.StatusCode);
        Assert.DoesNotContain("data-connection-success", await forgedTest.Content.ReadAsStringAsync());
        Assert.Equal(0, server.SessionCount);
        var forgedNew = await AdminForm.PostAsync(editor, "/transports/new", "transport", Smtp("Created by an editor", server.Port), tokenPage: "/transports");
        Assert.Equal(HttpStatusCode.Forbidden, forgedNew.StatusCode);
        await using var db = app.Db();
        Assert.False(await db.Transports.AnyAsync(t => t.Name == "Changed by an editor" || t.Name == "Created by an editor"));
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
        var tested = await AdminForm.PostAsync(client, AdminForm.Location(created), "transport", Testing(Smtp("Nobody home", closedPort)));
        var html = await tested.Content.ReadAsStringAsync();
        Assert.Contains("data-connection-success=\"false\"", html);
        Assert.Contains("The test failed", html);
        Assert.Contains($"127.0.0.1:{closedPort} did not answer as an SMTP server.", html);
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
        var forgedTest = await AdminForm.PostAsync(viewer, path, "transport", Testing(new() { ["Form.Name"] = "Viewed pickup", ["Form.Kind"] = "pickup" }));
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
        var tested = await AdminForm.PostAsync(client, AdminForm.Location(created), "transport", Testing(new()
        {
            ["Form.Name"] = "Pickup probe",
            ["Form.Kind"] = "pickup",
            ["Form.PickupDirectory"] = "probe-pickup",
        }));
        var html = await tested.Content.ReadAsStringAsync();
        Assert.Contains("data-connection-success=\"true\"", html);
        Assert.Contains("is writable", html);
    }
}
