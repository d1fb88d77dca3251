using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core.Archive;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Tests.Infrastructure;
using Triton.Tests.Mail;
using Triton.Tests.Mail.TestServers;
using Triton.Tests.Sending;

namespace Triton.Tests.Archive;

/// <summary>The archive on a real app: every sent message kept as the bytes the transport wrote, its outbox row, the purge.</summary>
public sealed class ArchiveTests
{
    private static Dictionary<string, string?> On(string? directory = null) => new()
    {
        ["Archive:Campaigns"] = "true",
        ["Archive:Triggers"] = "true",
        ["Archive:Directory"] = directory,
    };

    [Fact]
    public async Task Every_sent_campaign_and_transactional_message_is_archived_as_the_bytes_sent_with_its_outbox_row()
    {
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, On());
        var archive = scenario.Services.GetRequiredService<MessageArchive>();
        Assert.Equal(Path.Combine(scenario.DataDirectory, "archive"), archive.Directory);
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(40));
        Assert.Equal(CommandStatus.Done, (await scenario.Commands.RunAsync(id, default)).Status);
        await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);

        await using var db = scenario.Database.CreateContext();
        var deliveries = await db.Deliveries.AsNoTracking().Where(d => d.CampaignId == id).ToListAsync();
        var rows = await db.Outbox.AsNoTracking().Where(o => o.CampaignId == id).ToListAsync();
        Assert.Equal(40, rows.Count);
        Assert.Equal(deliveries.Select(d => d.Id).Order(), rows.Select(r => r.DeliveryId!.Value).Order());
        foreach (var row in rows)
        {
            var delivery = deliveries.Single(d => d.Id == row.DeliveryId);
            Assert.Equal(delivery.Email, row.Recipient);
            Assert.StartsWith("Hi N", row.Subject);
            var sent = await File.ReadAllBytesAsync(Path.Combine(scenario.PickupDirectory, row.MessageId + ".eml"));
            Assert.Equal(sent, await File.ReadAllBytesAsync(archive.FullPath(row.Path)!));
        }

        // A transactional message, through the events API.
        using var api = scenario.CreateApiClient();
        var transport = await db.Campaigns.Where(c => c.Id == id).Select(c => c.TransportId).SingleAsync();
        var template = await db.Campaigns.Where(c => c.Id == id).Select(c => c.TemplateId).SingleAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/contracts", new { name = "Welcome", variables = Array.Empty<object>() })).StatusCode);
        var trigger = await api.PostAsJsonAsync("/api/triggers", new
        {
            name = "Welcome mail", @event = "Welcome", templateId = template, transportId = transport, subjects = new[] { "Welcome aboard" },
            fromAddress = "noreply@example.com", active = true,
        });
        Assert.Equal(HttpStatusCode.Created, trigger.StatusCode);
        var accepted = await api.PostAsJsonAsync("/api/events/Welcome", new { recipient = new { email = "ada@example.com" }, variables = new { } });
        var messageId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await api.GetFromJsonAsync<JsonElement>($"/api/messages/{messageId}")).GetProperty("status").GetString() != "sent")
        {
            Assert.True(DateTime.UtcNow < deadline, "the transactional message was not sent");
            await Task.Delay(25);
        }

        var page = await api.GetFromJsonAsync<JsonElement>($"/api/archive?message={messageId}");
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        var item = page.GetProperty("items")[0];
        Assert.Equal("ada@example.com", item.GetProperty("recipient").GetString());
        Assert.Equal("Welcome aboard", item.GetProperty("subject").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("campaignId").ValueKind);
        var eml = await api.GetAsync($"/api/archive/{item.GetProperty("id").GetInt64()}");
        Assert.Equal("message/rfc822", eml.Content.Headers.ContentType!.MediaType);
        var pickedUp = await File.ReadAllBytesAsync(Path.Combine(scenario.PickupDirectory, item.GetProperty("messageId").GetString() + ".eml"));
        Assert.Equal(pickedUp, await eml.Content.ReadAsByteArrayAsync());

        // Searches by recipient and by campaign, with paging.
        var byRecipient = await api.GetFromJsonAsync<JsonElement>("/api/archive?recipient=user3@example.test");
        Assert.Equal(1, byRecipient.GetProperty("total").GetInt32());
        var byCampaign = await api.GetFromJsonAsync<JsonElement>($"/api/archive?campaignId={id}&page=2&pageSize=15");
        Assert.Equal(40, byCampaign.GetProperty("total").GetInt32());
        Assert.Equal(15, byCampaign.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/archive?pageSize=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/archive/999999")).StatusCode);
    }

    [Fact]
    public async Task Over_smtp_each_archived_copy_is_the_bytes_the_server_received()
    {
        await using var server = new ScriptedSmtpServer();
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, On());
        var archive = scenario.Services.GetRequiredService<MessageArchive>();
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(12), transport: EngineScenario.Smtp(server.Port));
        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);

        await using var db = scenario.Database.CreateContext();
        var rows = await db.Outbox.AsNoTracking().Where(o => o.CampaignId == id).ToListAsync();
        Assert.Equal(12, rows.Count);
        var received = server.Messages.ToDictionary(m => Assert.Single(m.Recipients), m => m.Content);
        foreach (var row in rows)
            Assert.Equal(received[row.Recipient], await File.ReadAllBytesAsync(archive.FullPath(row.Path)!));
    }

    [Fact]
    public async Task With_the_archive_off_nothing_is_kept()
    {
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite);
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(5));
        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished);
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(0, await db.Outbox.CountAsync());
        Assert.False(Directory.Exists(Path.Combine(scenario.DataDirectory, "archive")));
    }

    [Fact]
    public async Task The_purge_removes_only_rows_and_files_older_than_KeepDays()
    {
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, On());
        var archive = scenario.Services.GetRequiredService<MessageArchive>();
        var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var ages = new[] { 90, 61, 60.5, 59, 1 };
        await using (var db = scenario.Database.CreateContext())
        {
            foreach (var (age, i) in ages.Select((a, i) => (a, i)))
            {
                var path = $"old/{i}.eml";
                Directory.CreateDirectory(Path.Combine(archive.Directory, "old"));
                await File.WriteAllTextAsync(archive.FullPath(path)!, "Subject: " + age);
                db.Outbox.Add(new OutboxMessage
                {
                    MessageId = $"m{i}@triton.test", Recipient = $"r{i}@example.test", Subject = age.ToString(), Path = path,
                    SentAt = now.AddDays(-age).ToUnixTimeMilliseconds(), CampaignId = 1, DeliveryId = i,
                });
            }
            await db.SaveChangesAsync();
        }

        var purge = new ArchivePurge(scenario.Services.GetRequiredService<IDbContextFactory<TritonDbContext>>(), archive,
            Options.Create(new ArchiveOptions { KeepDays = 60 }), new FixedTimeProvider(now), NullLogger<ArchivePurge>.Instance);
        Assert.Equal(3, await purge.PurgeAsync(default));

        await using var after = scenario.Database.CreateContext();
        var left = await after.Outbox.AsNoTracking().OrderBy(o => o.Id).ToListAsync();
        Assert.Equal(["59", "1"], left.Select(o => o.Subject));
        Assert.Equal([false, false, false, true, true], Enumerable.Range(0, ages.Length).Select(i => File.Exists(archive.FullPath($"old/{i}.eml")!)));
        Assert.Equal(0, await purge.PurgeAsync(default));
    }

    [LocalFaultFact]
    public async Task A_full_archive_disk_pauses_the_campaign_with_the_reason_and_loses_no_result()
    {
        using var disk = new SmallFileSystem(8);
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, On(Path.Combine(disk.Path, "archive")));
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(1500), ratePerSecond: 300, concurrency: 8);
        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.Progress.Sent >= 100);
        var filler = disk.Fill();

        var paused = await scenario.WaitForAsync(id, c => c.State == CampaignState.Paused, seconds: 20);
        Assert.Contains("The archive cannot be written: No space left on device", paused.StateReason);
        Assert.Equal(0, paused.Progress.Failed);

        File.Delete(filler);
        await scenario.Commands.RunAsync(id, default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished, seconds: 60);
        Assert.Equal(1500, done.Progress.Sent);
        // No result was lost: a lost one would have been sent again, leaving a second file for its recipient.
        Assert.Equal(1500, scenario.PickedUpRecipients().Count);
        Assert.Equal(1500, scenario.PickedUpRecipients().Distinct().Count());
    }
}
