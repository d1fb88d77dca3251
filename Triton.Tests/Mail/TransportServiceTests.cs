using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Tests.Admin;
using Triton.Tests.Mail.TestServers;

namespace Triton.Tests.Mail;

/// <summary>
/// The transport service the admin page and the API call, over the real app's database and real SMTP
/// servers: validation by field, the write-only password bound to its destination, connection tests of
/// saved and unsaved values, DKIM keys and deletes.
/// </summary>
public sealed class TransportServiceTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;
    private readonly TransportService service;

    public TransportServiceTests(AdminApp app)
    {
        this.app = app;
        service = app.Services.GetRequiredService<TransportService>();
    }

    private static TransportInput Smtp(string name, int port, string? password = null) => new()
    {
        Name = name, Kind = "smtp", Host = "127.0.0.1", Port = port, Security = "none", Username = "mailer",
        Password = password, AllowAuthWithoutTls = true, MaxConnections = 2, MaxMessagesPerConnection = 50,
        RatePerSecond = 12.5, WindowMessages = 1000, WindowSeconds = 3600,
    };

    [Fact]
    public async Task Bad_input_is_refused_by_field_and_saves_nothing()
    {
        var result = await service.CreateAsync(new TransportInput
        {
            Name = "Broken transport", Kind = "smtp", Host = "", Port = 70000, Security = "ssl3",
            WindowMessages = 100, WindowSeconds = 0, Password = "s3cret-never-echoed",
        }, default);
        Assert.Equal(ServiceStatus.Invalid, result.Status);
        foreach (var field in new[] { "host", "port", "security", "windowSeconds" })
            Assert.True(result.Errors!.ContainsKey(field), $"no error for {field}: {string.Join(", ", result.Errors.Keys)}");
        Assert.DoesNotContain("s3cret-never-echoed", string.Join(" ", result.Errors!.Values.SelectMany(v => v)));
        await using var db = app.Db();
        Assert.False(await db.Transports.AnyAsync(t => t.Name == "Broken transport"));
    }

    [Fact]
    public async Task A_save_encrypts_the_password_a_blank_one_keeps_it_and_another_destination_needs_it_again()
    {
        var created = await service.CreateAsync(Smtp("Relay", 2525, "relay-password"), default);
        Assert.Equal(ServiceStatus.Saved, created.Status);
        var saved = created.Value!.Transport;
        Assert.Equal((2, 50, 12.5, 1000, 3600), (saved.MaxConnections, saved.MaxMessagesPerConnection, saved.RatePerSecond, saved.WindowMessages, saved.WindowSeconds));
        Assert.NotNull(saved.ProtectedPassword);
        Assert.DoesNotContain("relay-password", saved.ProtectedPassword);

        var renamed = await service.UpdateAsync(saved.Id, Smtp("Relay renamed", 2525), default);
        Assert.Equal(ServiceStatus.Saved, renamed.Status);
        Assert.Equal(saved.ProtectedPassword, renamed.Value!.Transport.ProtectedPassword);

        // The stored password was entered for port 2525: another port needs it again, and nothing is saved.
        var moved = await service.UpdateAsync(saved.Id, Smtp("Relay moved", 2526), default);
        Assert.Equal(ServiceStatus.Invalid, moved.Status);
        Assert.Contains("Enter the password again", string.Join(" ", moved.Errors!["password"]));
        Assert.Equal(("Relay renamed", 2525), ((await service.FindAsync(saved.Id, default))!.Transport.Name, (await service.FindAsync(saved.Id, default))!.Transport.Port));

        // "" removes the stored password (the page's "Remove the stored password").
        var cleared = Smtp("Relay renamed", 2526, "");
        Assert.Equal(ServiceStatus.Saved, (await service.UpdateAsync(saved.Id, cleared, default)).Status);
        Assert.Null((await service.FindAsync(saved.Id, default))!.Transport.ProtectedPassword);
        Assert.Equal(ServiceStatus.NotFound, (await service.UpdateAsync(999_999, Smtp("Nobody", 25), default)).Status);
    }

    [Fact]
    public async Task A_connection_test_reports_what_the_server_advertised_after_authenticating()
    {
        await using var server = new ScriptedSmtpServer { Username = "mailer", Password = "relay-password" };
        var id = (await service.CreateAsync(Smtp("Scripted relay", server.Port, "relay-password"), default)).Value!.Transport.Id;

        var report = (await service.TestAsync(id, default)).Value!;
        Assert.True(report.Success, report.Error);
        Assert.Equal("220 scripted.test ESMTP ready", report.Greeting);
        Assert.Equal(10_000_000, report.MaxMessageSize);
        Assert.Equal(["LOGIN", "PLAIN"], report.AuthMechanisms);
        Assert.True(report.Authenticated);
    }

    [Fact]
    public async Task A_test_of_unsaved_values_sends_the_stored_password_only_where_it_was_entered_for()
    {
        await using var relay = new ScriptedSmtpServer { Username = "mailer", Password = "relay-password" };
        await using var elsewhere = new ScriptedSmtpServer { Username = "mailer", Password = "relay-password" };
        var id = (await service.CreateAsync(Smtp("Unsaved test relay", relay.Port, "relay-password"), default)).Value!.Transport.Id;

        // Another port, the password left blank: refused like a save, and nothing reaches that port.
        var refused = await service.TestAsync(id, Smtp("Unsaved test relay", elsewhere.Port), default);
        Assert.Equal(ServiceStatus.Invalid, refused.Status);
        Assert.Contains("Enter the password again", string.Join(" ", refused.Errors!["password"]));
        Assert.Equal(0, elsewhere.SessionCount);

        // With the password typed again the unsaved values are tested, and still not saved.
        var retyped = await service.TestAsync(id, Smtp("Unsaved test relay", elsewhere.Port, "relay-password"), default);
        Assert.True(retyped.Value!.Success, retyped.Value.Error);
        Assert.Equal(1, elsewhere.SessionCount);
        Assert.Equal(relay.Port, (await service.FindAsync(id, default))!.Transport.Port);

        // The saved destination with a blank password uses the stored one.
        Assert.True((await service.TestAsync(id, Smtp("Unsaved test relay", relay.Port), default)).Value!.Authenticated);
    }

    [Fact]
    public async Task A_test_shows_the_error_when_nothing_listens()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var report = (await service.TestAsync(null, Smtp("Nobody home", closedPort), default)).Value!;
        Assert.False(report.Success);
        Assert.Contains($"127.0.0.1:{closedPort} did not answer as an SMTP server.", report.Error);
    }

    [Fact]
    public async Task A_pickup_test_reports_the_writable_folder()
    {
        var report = (await service.TestAsync(null, new TransportInput { Name = "Pickup probe", Kind = "pickup", PickupDirectory = "probe-pickup" }, default)).Value!;
        Assert.True(report.Success, report.Error);
        Assert.Contains("is writable", report.Greeting);
    }

    [Fact]
    public async Task A_dkim_key_needs_the_domain_and_then_answers_the_record_to_publish()
    {
        var id = (await service.CreateAsync(new TransportInput { Name = "Signed pickup", Kind = "pickup" }, default)).Value!.Transport.Id;
        var refused = await service.GenerateDkimKeyAsync(id, null, default);
        Assert.Equal(ServiceStatus.Invalid, refused.Status);
        Assert.True(refused.Errors!.ContainsKey("dkimDomain"));

        Assert.Equal(ServiceStatus.Saved, (await service.UpdateAsync(id, new TransportInput { Name = "Signed pickup", Kind = "pickup", DkimDomain = "example.com" }, default)).Status);
        var publication = (await service.GenerateDkimKeyAsync(id, "mail2026", default)).Value!;
        Assert.Equal("mail2026._domainkey.example.com", publication.DnsName);
        Assert.StartsWith("v=DKIM1; k=rsa; p=", publication.DnsRecord);
        var saved = (await service.FindAsync(id, default))!.Transport;
        Assert.Equal(publication, service.DkimPublicationOf(saved));
    }

    [Fact]
    public async Task A_transport_a_campaign_uses_cannot_be_deleted()
    {
        var campaignId = await CampaignSeed.CreateCampaignAsync(app.Services, "Uses its transport", 1);
        int transportId;
        await using (var db = app.Db())
            transportId = (await db.Campaigns.SingleAsync(c => c.Id == campaignId)).TransportId;
        var refused = await service.DeleteAsync(transportId, default);
        Assert.Equal(ServiceStatus.Conflict, refused.Status);
        Assert.Contains("Uses its transport", refused.Reason);

        var unused = (await service.CreateAsync(new TransportInput { Name = "Unused pickup", Kind = "pickup" }, default)).Value!.Transport.Id;
        Assert.Equal(ServiceStatus.Saved, (await service.DeleteAsync(unused, default)).Status);
        Assert.Null(await service.FindAsync(unused, default));
    }
}
