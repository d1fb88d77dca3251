using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using Triton.Core.Bounces;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Tests.Mail.TestServers;
using Triton.Tests.Sending;

namespace Triton.Tests.Bounces;

/// <summary>
/// The bounce mailbox end to end: a campaign goes out through the pickup folder with VERP return
/// paths, bounces land in a real Dovecot's Maildir, Triton polls it over IMAP and applies them.
/// </summary>
public sealed class BounceMailboxTests
{
    /// <summary>
    /// The engine with a Bounces section for the Dovecot mailbox on <paramref name="port"/>, sending through the pickup
    /// folder with VERP return paths; the background poll comes at start and then hourly, so the tests poll themselves.
    /// </summary>
    private static Task<EngineScenario> StartAsync(int port, string password, string protocol = "imap") =>
        EngineScenario.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Triton:PublicUrl"] = "https://news.triton.test",
            ["Mail:BounceAddress"] = "bounces@triton.test",
            ["Bounces:Host"] = "127.0.0.1",
            ["Bounces:Port"] = port.ToString(),
            ["Bounces:Username"] = DovecotServer.User,
            ["Bounces:Password"] = password,
            ["Bounces:Protocol"] = protocol,
            ["Bounces:Security"] = "none",
            ["Bounces:PollSeconds"] = "3600",
        });

    [Fact]
    public async Task Polled_bounces_mark_deliveries_suppress_addresses_and_flag_the_messages()
    {
        await using var dovecot = await DovecotServer.StartAsync();
        await using var scenario = await StartAsync(dovecot.Port, DovecotServer.Password);
        var id = await scenario.CreateCampaignAsync(["gone@example.org", "nobody@example.org", "slow@example.org", "leaving@example.org", "stays@example.org"]);
        await scenario.Commands.RunAsync(id, default);
        var sent = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        Assert.Equal(5, sent.Progress.Sent);

        var messages = Directory.EnumerateFiles(scenario.PickupDirectory, "*.eml").Select(f => MimeMessage.Load(f))
            .ToDictionary(m => m.To.Mailboxes.Single().Address);
        string ReturnPath(string to) => messages[to].Headers[HeaderId.ReturnPath]!.Trim('<', '>');
        string Mailto(string to)
        {
            var header = messages[to].Headers[HeaderId.ListUnsubscribe]!;
            var start = header.IndexOf("<mailto:", StringComparison.Ordinal) + "<mailto:".Length;
            return header[start..header.IndexOf('?', start)];
        }

        await dovecot.DeliverAsync("1.eml", BounceSamples.PostfixDsn(ReturnPath("gone@example.org"), "gone@example.org", messages["gone@example.org"].MessageId!));
        await dovecot.DeliverAsync("2.eml", BounceSamples.EximBounce(ReturnPath("nobody@example.org"), "nobody@example.org"));
        await dovecot.DeliverAsync("3.eml", BounceSamples.DelayedDsn(ReturnPath("slow@example.org"), "slow@example.org"));
        await dovecot.DeliverAsync("4.eml", BounceSamples.UnsubscribeMail(Mailto("leaving@example.org"), "leaving@example.org"));
        await dovecot.DeliverAsync("5.eml", BounceSamples.QmailBounce("stranger@example.org"));

        var mailbox = scenario.Services.GetRequiredService<BounceMailbox>();
        var tally = await mailbox.PollAsync(default);

        await using (var db = scenario.Database.CreateContext())
            Assert.Null((await db.BounceMailboxStates.AsNoTracking().SingleAsync()).LastError);
        Assert.Equal(5, tally.Processed);
        Assert.Equal(2, tally.Hard);
        Assert.Equal(1, tally.Soft);
        Assert.Equal(1, tally.Unsubscribed);
        Assert.Equal(1, tally.Unmatched);
        var campaign = await scenario.CampaignAsync(id);
        Assert.Equal(3, campaign.Progress.Sent);
        Assert.Equal(2, campaign.Progress.Bounced);
        Assert.Equal(campaign.Progress.Plan, campaign.Progress.Processed);
        var deliveries = (await scenario.DeliveriesAsync(id)).ToDictionary(d => d.Email);
        Assert.Equal(DeliveryStatus.Bounced, deliveries["gone@example.org"].Status);
        Assert.StartsWith("Bounced later: 5.1.1", deliveries["gone@example.org"].LastReply);
        Assert.Equal(DeliveryStatus.Bounced, deliveries["nobody@example.org"].Status);
        Assert.Equal(DeliveryStatus.Sent, deliveries["slow@example.org"].Status);
        await using (var db = scenario.Database.CreateContext())
        {
            var suppressed = await db.Suppressions.AsNoTracking().ToDictionaryAsync(s => s.Email);
            Assert.Equal(["gone@example.org", "leaving@example.org", "nobody@example.org", "stranger@example.org"], suppressed.Keys.Order());
            Assert.Equal(SuppressionReason.HardBounce, suppressed["gone@example.org"].Reason);
            Assert.Equal("bounce mailbox", suppressed["gone@example.org"].Source);
            Assert.Equal(SuppressionReason.Unsubscribed, suppressed["leaving@example.org"].Reason);
            Assert.Equal($"campaign {id}", suppressed["leaving@example.org"].Source);

            var status = await BounceMailboxStatus.ReadAsync(db, scenario.Services.GetRequiredService<IOptions<BounceOptions>>().Value, default);
            Assert.True(status.Configured);
            Assert.NotNull(status.LastPollAt);
            Assert.Null(status.LastError);
            Assert.Equal(5, status.Processed);
            Assert.Equal(2, status.HardBounces);
            Assert.Equal(1, status.SoftBounces);
        }

        // Every message is flagged as processed on the server, and a second poll applies nothing again.
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync("127.0.0.1", dovecot.Port, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync(DovecotServer.User, DovecotServer.Password);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var summaries = await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags);
            Assert.Equal(5, summaries.Count);
            Assert.All(summaries, s => Assert.True(s.Flags!.Value.HasFlag(MessageFlags.Flagged) && s.Keywords.Contains(BounceMailbox.ProcessedKeyword)));
            await imap.DisconnectAsync(true);
        }
        Assert.Equal(0, (await mailbox.PollAsync(default)).Processed);
        Assert.Equal(2, (await scenario.CampaignAsync(id)).Progress.Bounced);

        // Sending again skips the bounced and the unsubscribed.
        await scenario.Commands.StopAsync(id, default);
        await scenario.Commands.RunAsync(id, default);
        var again = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished && c.Generation == campaign.Generation + 1);
        Assert.Equal(2, again.Progress.Sent);
        Assert.Equal(3, again.Progress.Skipped);
        Assert.Equal(again.Progress.Plan, again.Progress.Processed);
    }

    [Fact]
    public async Task A_failed_login_is_stored_as_the_last_error_without_the_password()
    {
        await using var dovecot = await DovecotServer.StartAsync();
        await using var scenario = await StartAsync(dovecot.Port, "wrong-password-9f3a");

        await scenario.Services.GetRequiredService<BounceMailbox>().PollAsync(default);

        await using var db = scenario.Database.CreateContext();
        var state = await db.BounceMailboxStates.AsNoTracking().SingleAsync();
        Assert.NotNull(state.LastError);
        Assert.DoesNotContain("wrong-password-9f3a", state.LastError);
        Assert.NotNull(state.LastPollAt);
    }

    [Fact]
    public async Task Over_pop3_a_poll_applies_the_bounces_and_deletes_them_from_the_mailbox()
    {
        await using var dovecot = await DovecotServer.StartAsync();
        await using var scenario = await StartAsync(dovecot.Pop3Port, DovecotServer.Password, "pop3");
        var id = await scenario.CreateCampaignAsync(["gone@example.org", "slow@example.org", "stays@example.org"]);
        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        var messages = Directory.EnumerateFiles(scenario.PickupDirectory, "*.eml").Select(f => MimeMessage.Load(f))
            .ToDictionary(m => m.To.Mailboxes.Single().Address);
        string ReturnPath(string to) => messages[to].Headers[HeaderId.ReturnPath]!.Trim('<', '>');

        await dovecot.DeliverAsync("1.eml", BounceSamples.PostfixDsn(ReturnPath("gone@example.org"), "gone@example.org", messages["gone@example.org"].MessageId!));
        await dovecot.DeliverAsync("2.eml", BounceSamples.DelayedDsn(ReturnPath("slow@example.org"), "slow@example.org"));

        var mailbox = scenario.Services.GetRequiredService<BounceMailbox>();
        var tally = await mailbox.PollAsync(default);

        await using (var db = scenario.Database.CreateContext())
        {
            Assert.Null((await db.BounceMailboxStates.AsNoTracking().SingleAsync()).LastError);
            Assert.Equal(["gone@example.org"], await db.Suppressions.AsNoTracking().Select(s => s.Email).ToListAsync());
        }
        Assert.Equal(2, tally.Processed);
        Assert.Equal(1, tally.Hard);
        Assert.Equal(1, tally.Soft);
        var deliveries = (await scenario.DeliveriesAsync(id)).ToDictionary(d => d.Email);
        Assert.Equal(DeliveryStatus.Bounced, deliveries["gone@example.org"].Status);
        Assert.Equal(DeliveryStatus.Sent, deliveries["slow@example.org"].Status);

        // POP3 has no flags: the handled messages are gone from the server, and the next poll finds nothing.
        using (var pop3 = new Pop3Client())
        {
            await pop3.ConnectAsync("127.0.0.1", dovecot.Pop3Port, MailKit.Security.SecureSocketOptions.None);
            await pop3.AuthenticateAsync(DovecotServer.User, DovecotServer.Password);
            Assert.Equal(0, await pop3.GetMessageCountAsync());
            await pop3.DisconnectAsync(true);
        }
        Assert.Equal(0, (await mailbox.PollAsync(default)).Processed);
        Assert.Equal(1, (await scenario.CampaignAsync(id)).Progress.Bounced);
    }

    [Fact]
    public async Task Settings_saved_by_an_admin_replace_the_configuration_at_once_without_a_restart()
    {
        await using var dovecot = await DovecotServer.StartAsync();
        // The configuration's login is refused: only the saved settings can read the mailbox.
        await using var scenario = await StartAsync(dovecot.Port, "wrong-password-9f3a");
        var id = await scenario.CreateCampaignAsync(["gone@example.org", "stays@example.org"]);
        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        var gone = Directory.EnumerateFiles(scenario.PickupDirectory, "*.eml").Select(f => MimeMessage.Load(f))
            .Single(m => m.To.Mailboxes.Single().Address == "gone@example.org");
        await dovecot.DeliverAsync("1.eml", BounceSamples.PostfixDsn(gone.Headers[HeaderId.ReturnPath]!.Trim('<', '>'), "gone@example.org", gone.MessageId!));

        var mailbox = scenario.Services.GetRequiredService<BounceMailbox>();
        Assert.Equal(0, (await mailbox.PollAsync(default)).Processed);
        await using (var db = scenario.Database.CreateContext())
            Assert.NotNull((await db.BounceMailboxStates.AsNoTracking().SingleAsync()).LastError);

        // POP3 where the configuration says IMAP: the saved settings replace the section whole.
        var saved = await scenario.Services.GetRequiredService<BounceMailboxSettingsService>().SaveAsync(new BounceMailboxInput
        {
            Enabled = true, Host = "127.0.0.1", Port = dovecot.Pop3Port, Username = DovecotServer.User, Password = DovecotServer.Password,
            Protocol = "pop3", Security = "none", PollSeconds = 3600,
        }, default);
        Assert.Equal(Triton.Core.ServiceStatus.Saved, saved.Status);

        // The save wakes the running poller: it reads the mailbox with the saved settings now, not in an hour.
        var bounced = await scenario.WaitForAsync(id, c => c.Progress.Bounced == 1, seconds: 30);
        Assert.Equal(1, bounced.Progress.Sent);
        // Once the woken poll is done (polls take turns), nothing is left to read and the poll's error is gone.
        Assert.Equal(0, (await mailbox.PollAsync(default)).Processed);
        await using (var db = scenario.Database.CreateContext())
        {
            Assert.Null((await db.BounceMailboxStates.AsNoTracking().SingleAsync()).LastError);
            Assert.Equal(["gone@example.org"], await db.Suppressions.AsNoTracking().Select(s => s.Email).ToListAsync());
        }
        using (var pop3 = new Pop3Client())
        {
            await pop3.ConnectAsync("127.0.0.1", dovecot.Pop3Port, MailKit.Security.SecureSocketOptions.None);
            await pop3.AuthenticateAsync(DovecotServer.User, DovecotServer.Password);
            Assert.Equal(0, await pop3.GetMessageCountAsync());
            await pop3.DisconnectAsync(true);
        }
    }
}
