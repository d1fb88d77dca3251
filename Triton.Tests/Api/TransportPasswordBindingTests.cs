using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Tests.Mail.TestServers;

namespace Triton.Tests.Api;

/// <summary>
/// A stored SMTP password goes only to the host, port, username and security it was entered with: changing any of
/// them needs the password again, and a row edited behind Triton's back cannot open it for another destination.
/// Real SMTP servers over TCP record what reaches them.
/// </summary>
public sealed class TransportPasswordBindingTests(ApiFactory factory) : IClassFixture<ApiFactory>, IAsyncLifetime
{
    private const string Password = "relay-password";
    private readonly HttpClient client = factory.Client();
    private readonly ScriptedSmtpServer relay = new() { Username = "mailer", Password = Password };
    private readonly ScriptedSmtpServer elsewhere = new() { Username = "mailer", Password = Password };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await relay.DisposeAsync();
        await elsewhere.DisposeAsync();
    }

    private static Dictionary<string, object?> Smtp(string name, int port, string? password = null, string host = "127.0.0.1",
        string username = "mailer", string security = "none") => new()
    {
        ["name"] = name, ["kind"] = "smtp", ["host"] = host, ["port"] = port, ["security"] = security, ["username"] = username,
        ["password"] = password, ["allowAuthWithoutTls"] = true,
    };

    private async Task<int> CreateAsync(Dictionary<string, object?> body)
    {
        var created = await client.PostAsync("/api/transports", Problems.Json(body));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    private Task<Transport> RowAsync(int id) => factory.WithDbAsync(db => db.Transports.AsNoTracking().SingleAsync(t => t.Id == id));

    private async Task<JsonElement> TestConnectionAsync(int id)
    {
        var response = await client.PostAsync($"/api/transports/{id}/test-connection", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Everything any client sent to a server, over all its sessions.</summary>
    private static string Received(ScriptedSmtpServer server) =>
        string.Concat(Enumerable.Range(1, server.SessionCount).Select(server.Transcript));

    private static readonly string PasswordOnTheWire = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0mailer\0" + Password));

    [Fact]
    public async Task Moving_a_transport_without_the_password_is_refused_and_no_auth_reaches_the_new_port()
    {
        var id = await CreateAsync(Smtp("bound-relay", relay.Port, Password));
        var before = await RowAsync(id);

        var moved = await client.PutAsync($"/api/transports/{id}", Problems.Json(Smtp("bound-relay", elsewhere.Port)));
        var problem = await moved.AssertProblemAsync(HttpStatusCode.BadRequest, "password");
        Assert.Contains("Enter the password again", problem.GetProperty("errors").GetProperty("password")[0].GetString());
        var after = await RowAsync(id);
        Assert.Equal((before.Port, before.ProtectedPassword, before.UpdatedAt), (after.Port, after.ProtectedPassword, after.UpdatedAt));

        var report = await TestConnectionAsync(id);
        Assert.True(report.GetProperty("success").GetBoolean());
        Assert.True(report.GetProperty("authenticated").GetBoolean());
        Assert.Contains("AUTH PLAIN " + PasswordOnTheWire, Received(relay));
        Assert.DoesNotContain("AUTH", Received(elsewhere));
    }

    [Fact]
    public async Task A_row_moved_behind_tritons_back_cannot_open_its_password_for_the_new_port()
    {
        var id = await CreateAsync(Smtp("tampered-relay", relay.Port, Password));
        await factory.WithDbAsync(db => db.Transports.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Port, elsewhere.Port)));

        var report = await TestConnectionAsync(id);

        Assert.False(report.GetProperty("success").GetBoolean());
        Assert.Contains("enter it again", report.GetProperty("error").GetString());
        Assert.DoesNotContain("AUTH", Received(elsewhere));
        Assert.DoesNotContain(PasswordOnTheWire, Received(elsewhere));
    }

    [Theory]
    [InlineData("host")]
    [InlineData("port")]
    [InlineData("username")]
    [InlineData("security")]
    public async Task Changing_any_part_of_the_destination_needs_the_password_again_or_clearing_it(string field)
    {
        var name = "dest-" + field;
        var id = await CreateAsync(Smtp(name, 2525, Password, host: "smtp.example.org"));
        var changed = Smtp(name, 2525, host: "smtp.example.org");
        changed[field] = field switch { "host" => "mx.example.net", "port" => 2526, "username" => "other-user", _ => "tls" };

        await (await client.PutAsync($"/api/transports/{id}", Problems.Json(changed))).AssertProblemAsync(HttpStatusCode.BadRequest, "password");
        var row = await RowAsync(id);
        Assert.Equal(("smtp.example.org", 2525, "mailer", TransportSecurity.None), (row.Host, row.Port, row.Username, row.Security));

        changed["password"] = "new-password";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/transports/{id}", Problems.Json(changed))).StatusCode);
        row = await RowAsync(id);
        var passwords = factory.Services.GetRequiredService<TransportPasswords>();
        Assert.Equal("new-password", passwords.Reveal(row.ProtectedPassword!, SmtpDestination.Of(row)));

        // Back to the first destination, clearing the password instead of entering it.
        var cleared = Smtp(name, 2525, "", host: "smtp.example.org");
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/transports/{id}", Problems.Json(cleared))).StatusCode);
        Assert.Null((await RowAsync(id)).ProtectedPassword);
    }

    [Fact]
    public async Task An_update_that_keeps_the_destination_keeps_the_password_and_host_case_does_not_matter()
    {
        var id = await CreateAsync(Smtp("kept", 2525, Password, host: "smtp.example.org"));
        var renamed = Smtp("kept renamed", 2525, host: "SMTP.Example.org");
        renamed["maxConnections"] = 9;
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/transports/{id}", Problems.Json(renamed))).StatusCode);

        var row = await RowAsync(id);
        Assert.Equal(("kept renamed", 9), (row.Name, row.MaxConnections));
        var passwords = factory.Services.GetRequiredService<TransportPasswords>();
        Assert.Equal(Password, passwords.Reveal(row.ProtectedPassword!, SmtpDestination.Of(row)));
        Assert.Throws<StoredPasswordDestinationException>(() =>
            passwords.Reveal(row.ProtectedPassword!, new SmtpDestination("smtp.example.org", 2526, "mailer", TransportSecurity.None)));
    }

    [Fact]
    public async Task A_password_stored_before_binding_still_works_for_its_destination_and_is_bound_on_the_next_save()
    {
        var secrets = factory.Services.GetRequiredService<ISecretProtector>();
        var id = await factory.WithDbAsync(async db =>
        {
            var row = new Transport
            {
                Name = "legacy-relay", Kind = TransportKind.Smtp, Host = "127.0.0.1", Port = relay.Port, Security = TransportSecurity.None,
                Username = "mailer", AllowAuthWithoutTls = true, ProtectedPassword = secrets.Protect(Password), UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.Transports.Add(row);
            await db.SaveChangesAsync();
            return row.Id;
        });
        Assert.True((await TestConnectionAsync(id)).GetProperty("authenticated").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/transports/{id}", Problems.Json(Smtp("legacy-relay", relay.Port)))).StatusCode);
        var saved = await RowAsync(id);
        Assert.True(TransportPasswords.IsBound(saved.ProtectedPassword!));
        Assert.True((await TestConnectionAsync(id)).GetProperty("authenticated").GetBoolean());

        await factory.WithDbAsync(db => db.Transports.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Port, elsewhere.Port)));
        Assert.False((await TestConnectionAsync(id)).GetProperty("success").GetBoolean());
        Assert.DoesNotContain("AUTH", Received(elsewhere));
    }
}
