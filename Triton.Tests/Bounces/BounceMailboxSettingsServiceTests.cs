using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core;
using Triton.Core.Bounces;
using Triton.Core.Domain;
using Triton.Tests.Infrastructure;
using Triton.Tests.Mail.TestServers;

namespace Triton.Tests.Bounces;

/// <summary>
/// The bounce mailbox's settings service over the real app on a SQLite file, with a Bounces section in its
/// configuration: validation by field, whole or nothing; the saved settings replacing the section; the password
/// encrypted at rest, write-only and bound to its mailbox; connection tests against a real Dovecot.
/// </summary>
public sealed class BounceMailboxSettingsServiceTests : IAsyncLifetime
{
    // Nothing listens on port 9 of 127.0.0.1 here: the app's own poller fails fast whatever it is given.
    private const string ConfiguredPassword = "configured-secret-41";
    private readonly SqliteTestDatabase database = new();
    private TritonAppFactory app = null!;
    private BounceMailboxSettingsService service = null!;

    public Task InitializeAsync()
    {
        app = new TritonAppFactory(database, new Dictionary<string, string?>
        {
            ["Bounces:Host"] = "127.0.0.1",
            ["Bounces:Port"] = "9",
            ["Bounces:Username"] = "configured-user",
            ["Bounces:Password"] = ConfiguredPassword,
            ["Bounces:Protocol"] = "imap",
            ["Bounces:Security"] = "none",
            ["Bounces:PollSeconds"] = "3600",
        });
        service = app.Services.GetRequiredService<BounceMailboxSettingsService>();
        return Task.CompletedTask;
    }

    private static BounceMailboxInput Mailbox(string host = "127.0.0.1", int? port = 10, string? password = null, string username = "saved-user") => new()
    {
        Enabled = true, Host = host, Port = port, Username = username, Password = password, Protocol = "imap", Security = "none",
        PollSeconds = 3600,
    };

    private async Task<BounceMailboxSettings?> RowAsync()
    {
        await using var db = database.CreateContext();
        return await db.BounceMailboxSettings.AsNoTracking().SingleOrDefaultAsync();
    }

    [Fact]
    public async Task Bad_input_is_refused_by_field_and_saves_nothing()
    {
        var result = await service.SaveAsync(new BounceMailboxInput
        {
            Enabled = true, Host = " ", Port = 70_000, Protocol = "smtp", Security = "ssl3", PollSeconds = 1, Password = "never-echoed-77",
        }, default);
        Assert.Equal(ServiceStatus.Invalid, result.Status);
        foreach (var field in new[] { "host", "port", "protocol", "security", "pollSeconds" })
            Assert.True(result.Errors!.ContainsKey(field), $"no error for {field}: {string.Join(", ", result.Errors.Keys)}");
        Assert.Contains("must not be empty while the mailbox is enabled", string.Join(" ", result.Errors!["host"]));
        Assert.DoesNotContain("never-echoed-77", string.Join(" ", result.Errors.Values.SelectMany(v => v)));

        // POP3 has no folders; a disabled mailbox needs no host.
        var pop3 = await service.SaveAsync(new BounceMailboxInput { Enabled = false, Protocol = "pop3", Folder = "Bounces", Password = "" }, default);
        Assert.Equal(["folder"], pop3.Errors!.Keys);
        Assert.Equal(ServiceStatus.Invalid, (await service.SaveAsync(Mailbox(port: 0), default)).Status);

        Assert.Null(await RowAsync());
        Assert.Equal(BounceSettingsSource.Configuration, (await service.ReadAsync(default)).Source);
    }

    [Fact]
    public async Task Saved_settings_replace_the_configuration_whole_and_a_disabled_mailbox_is_not_polled()
    {
        var configured = await service.ReadAsync(default);
        Assert.Equal(BounceSettingsSource.Configuration, configured.Source);
        Assert.Equal(("127.0.0.1", 9, "configured-user", true, "INBOX"), (configured.Host, configured.Port, configured.Username, configured.HasPassword, configured.Folder));
        Assert.True(configured.Status.Configured);
        Assert.Equal(ConfiguredPassword, (await service.EffectiveAsync(default)).Password);

        var saved = await service.SaveAsync(Mailbox(host: "localhost", password: "saved-secret-52"), default);
        Assert.Equal(ServiceStatus.Saved, saved.Status);
        Assert.Equal((BounceSettingsSource.Saved, "localhost", 10, true), (saved.Value!.Source, saved.Value.Host, saved.Value.Port, saved.Value.HasPassword));
        var effective = await service.EffectiveAsync(default);
        Assert.Equal(("localhost", 10, "saved-user", "saved-secret-52", MailboxSecurity.None, 3600),
            (effective.Host, effective.Port, effective.Username, effective.Password, effective.Security, effective.PollSeconds));

        // Disabled: nothing is polled although the configuration names a host; the saved values stay for later.
        var disabled = Mailbox(host: "localhost");
        disabled.Enabled = false;
        Assert.Equal(ServiceStatus.Saved, (await service.SaveAsync(disabled, default)).Status);
        Assert.False((await service.EffectiveAsync(default)).Enabled);
        var view = await service.ReadAsync(default);
        Assert.Equal((false, "localhost", true), (view.Enabled, view.Host, view.HasPassword));
        Assert.False(view.Status.Configured);
        await using var db = database.CreateContext();
        Assert.False((await BounceMailboxStatus.ReadAsync(db, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BounceOptions>>().Value, default)).Configured);
    }

    [Fact]
    public async Task The_password_is_encrypted_at_rest_kept_when_blank_and_needed_again_for_another_mailbox()
    {
        Assert.Equal(ServiceStatus.Saved, (await service.SaveAsync(Mailbox(password: "saved-secret-63"), default)).Status);
        var row = (await RowAsync())!;
        Assert.NotNull(row.ProtectedPassword);
        Assert.DoesNotContain("saved-secret-63", row.ProtectedPassword);

        // A blank password keeps the stored one, sealed as it was.
        var kept = Mailbox();
        kept.PollSeconds = 120;
        Assert.Equal(ServiceStatus.Saved, (await service.SaveAsync(kept, default)).Status);
        Assert.Equal(row.ProtectedPassword, (await RowAsync())!.ProtectedPassword);
        Assert.Equal(("saved-secret-63", 120), ((await service.EffectiveAsync(default)).Password, (await service.EffectiveAsync(default)).PollSeconds));

        // Another host with the stored password: refused, and nothing of the input is applied.
        var moved = await service.SaveAsync(Mailbox(host: "elsewhere.example"), default);
        Assert.Equal(ServiceStatus.Invalid, moved.Status);
        Assert.Equal(BounceMailboxInputValidator.PasswordForAnotherDestination, Assert.Single(moved.Errors!["password"]));
        Assert.Equal(("127.0.0.1", 120), ((await RowAsync())!.Host, (await RowAsync())!.PollSeconds));

        // A row edited behind Triton's back cannot send the password to its new host.
        await using (var db = database.CreateContext())
            await db.BounceMailboxSettings.ExecuteUpdateAsync(s => s.SetProperty(r => r.Host, "attacker.example"));
        var exception = await Assert.ThrowsAsync<Triton.Core.Mail.StoredPasswordDestinationException>(() => service.EffectiveAsync(default));
        Assert.DoesNotContain("saved-secret-63", exception.Message);

        // "" removes it.
        Assert.Equal(ServiceStatus.Saved, (await service.SaveAsync(Mailbox(host: "attacker.example", password: ""), default)).Status);
        Assert.Null((await RowAsync())!.ProtectedPassword);
        Assert.False((await service.ReadAsync(default)).HasPassword);
    }

    [Fact]
    public async Task A_first_save_keeps_the_configured_password_sealed_for_the_same_mailbox_only()
    {
        var sameMailbox = new BounceMailboxInput
        {
            Enabled = true, Host = "127.0.0.1", Port = 9, Username = "configured-user", Protocol = "imap", Security = "none", PollSeconds = 600,
        };
        var other = new BounceMailboxInput
        {
            Enabled = true, Host = "127.0.0.1", Port = 9, Username = "someone-else", Protocol = "imap", Security = "none",
        };
        Assert.Equal(["password"], (await service.SaveAsync(other, default)).Errors!.Keys);

        Assert.Equal(ServiceStatus.Saved, (await service.SaveAsync(sameMailbox, default)).Status);
        var row = (await RowAsync())!;
        Assert.DoesNotContain(ConfiguredPassword, row.ProtectedPassword);
        Assert.Equal((ConfiguredPassword, 600), ((await service.EffectiveAsync(default)).Password, (await service.EffectiveAsync(default)).PollSeconds));
    }

    [Fact]
    public async Task A_connection_test_signs_in_with_the_entered_values_or_reports_the_servers_error()
    {
        await using var dovecot = await DovecotServer.StartAsync();
        BounceMailboxInput Dovecot(string? password, string protocol = "imap") => new()
        {
            Enabled = true, Host = "127.0.0.1", Port = protocol == "imap" ? dovecot.Port : dovecot.Pop3Port, Username = DovecotServer.User,
            Password = password, Protocol = protocol, Security = "none",
        };

        var imap = await service.TestAsync(Dovecot(DovecotServer.Password), default);
        Assert.True(imap.Value!.Success, imap.Value.Message);
        Assert.Contains("INBOX holds 0 message(s)", imap.Value.Message);
        var pop3 = await service.TestAsync(Dovecot(DovecotServer.Password, "pop3"), default);
        Assert.True(pop3.Value!.Success, pop3.Value.Message);

        var refused = await service.TestAsync(Dovecot("wrong-password-84"), default);
        Assert.False(refused.Value!.Success);
        Assert.Contains("Authentication failed", refused.Value.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("wrong-password-84", refused.Value.Message);

        var noFolder = Dovecot(DovecotServer.Password);
        noFolder.Folder = "No such folder";
        Assert.False((await service.TestAsync(noFolder, default)).Value!.Success);

        // A blank password tests with the saved one, as a save keeps it; nothing of a test is stored.
        Assert.Equal(ServiceStatus.Saved, (await service.SaveAsync(Dovecot(DovecotServer.Password), default)).Status);
        var before = (await RowAsync())!;
        var kept = Dovecot(null);
        kept.PollSeconds = 99;
        Assert.True((await service.TestAsync(kept, default)).Value!.Success);
        Assert.Equal(before.PollSeconds, (await RowAsync())!.PollSeconds);
        Assert.Equal(["host"], (await service.TestAsync(new BounceMailboxInput { Enabled = false, Password = "" }, default)).Errors!.Keys);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await app.DisposeAsync();
        await database.DisposeAsync();
    }
}
