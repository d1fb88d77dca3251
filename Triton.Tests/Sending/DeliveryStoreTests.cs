using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Sending;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Sending;

/// <summary>
/// The engine's claim and result statements on each provider. A claim answers each job with its recipient's data, read
/// in the same statement. A result (SQLite writes it through SQLite's own statement API, PostgreSQL through a prepared
/// command) lands whole, a long reply is cut, a result without a subject keeps the one recorded before, and a job whose
/// lease another process holds changes nothing and counts nothing.
/// </summary>
public sealed class DeliveryStoreTests
{
    [Fact]
    public Task A_claim_brings_each_recipients_data_on_sqlite() => ClaimAsync(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task A_claim_brings_each_recipients_data_on_postgres() => ClaimAsync(DatabaseProvider.Postgres);

    [Fact]
    public Task Results_land_whole_and_a_lost_lease_changes_nothing_on_sqlite() => RecordAsync(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task Results_land_whole_and_a_lost_lease_changes_nothing_on_postgres() => RecordAsync(DatabaseProvider.Postgres);

    private static async Task ClaimAsync(DatabaseProvider provider)
    {
        var (scenario, id) = await EnqueuedAsync(provider, 3);
        await using var _ = scenario;
        await using (var db = scenario.Database.CreateContext())
        {
            // Deleted after it was enqueued: its job still goes, with no fields.
            var last = await db.Deliveries.Where(d => d.CampaignId == id).MaxAsync(d => d.RecipientId);
            await db.Recipients.Where(r => r.Id == last).ExecuteDeleteAsync();
        }

        var campaign = await scenario.CampaignAsync(id);
        var jobs = (await scenario.Services.GetRequiredService<DeliveryStore>().ClaimAsync(id, campaign.Generation,
            scenario.Services.GetRequiredService<EngineIdentity>().Owner, 10, TimeSpan.FromMinutes(5), true, default)).OrderBy(j => j.Id).ToList();

        Assert.Equal(3, jobs.Count);
        await using (var db = scenario.Database.CreateContext())
        {
            var recipients = await db.Recipients.AsNoTracking().ToDictionaryAsync(r => r.Id);
            foreach (var job in jobs.Take(2))
            {
                var recipient = recipients[job.RecipientId];
                Assert.Equal((recipient.Email, recipient.UserId, recipient.Fields), (job.Email, job.UserId, job.Fields));
                Assert.StartsWith("u", job.UserId);
                Assert.Contains("first_name", job.Fields);
            }
        }
        Assert.Equal(((string?)null, "{}"), (jobs[2].UserId, jobs[2].Fields));
    }

    private static async Task RecordAsync(DatabaseProvider provider)
    {
        var (scenario, id) = await EnqueuedAsync(provider, 4);
        await using var _ = scenario;

        var store = scenario.Services.GetRequiredService<DeliveryStore>();
        var owner = scenario.Services.GetRequiredService<EngineIdentity>().Owner;
        var campaign = await scenario.CampaignAsync(id);
        var session = scenario.Services.GetRequiredService<JobBoard>().Find(id)!;
        var jobs = (await store.ClaimAsync(id, campaign.Generation, owner, 4, TimeSpan.FromMinutes(5), false, default)).OrderBy(j => j.Id).ToList();
        Assert.Equal(4, jobs.Count);
        await using (var db = scenario.Database.CreateContext())
        {
            await db.Deliveries.Where(d => d.Id == jobs[1].Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.SubjectIndex, 2));
            await db.Deliveries.Where(d => d.Id == jobs[3].Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, "another-instance"));
        }

        var longReply = "550 " + new string('x', 1500);
        DeliveryResult Result(int job, DeliveryStatus status, string? reply, int? code, long notBefore, int? subject) =>
            new(jobs[job].Id, id, campaign.Generation, session.RunId, status, 1, reply, code, notBefore, subject, status == DeliveryStatus.Failed);
        await store.RecordAsync(
        [
            Result(0, DeliveryStatus.Sent, "250 2.0.0 queued", 250, 0, 1),
            Result(1, DeliveryStatus.Failed, longReply, null, 0, null),
            Result(2, DeliveryStatus.Queued, "451 try later", 451, 12_345, null),
            Result(3, DeliveryStatus.Sent, "250 2.0.0 queued", 250, 0, 0),
        ], owner, default);

        await using (var db = scenario.Database.CreateContext())
        {
            var rows = await db.Deliveries.AsNoTracking().Where(d => d.CampaignId == id).OrderBy(d => d.Id).ToListAsync();
            Assert.Equal((DeliveryStatus.Sent, 1, "250 2.0.0 queued", (int?)250, 1), (rows[0].Status, rows[0].Attempts, rows[0].LastReply, rows[0].ReplyCode, rows[0].SubjectIndex));
            Assert.Equal((DeliveryStatus.Failed, longReply[..1000], (int?)null, 2), (rows[1].Status, rows[1].LastReply, rows[1].ReplyCode, rows[1].SubjectIndex));
            Assert.Equal((DeliveryStatus.Queued, 1, 12_345L, "451 try later"), (rows[2].Status, rows[2].Attempts, rows[2].NotBefore, rows[2].LastReply));
            Assert.All(rows.Take(3), r => Assert.Equal((null, 0L), (r.LeaseOwner, r.LeaseUntil)));
            Assert.All(rows.Take(3), r => Assert.True(r.UpdatedAt > 0));
            // Another process holds this one: the result is not written and its lease stays with that process.
            Assert.Equal((DeliveryStatus.Queued, 0, "another-instance", (string?)null), (rows[3].Status, rows[3].Attempts, rows[3].LeaseOwner, rows[3].LastReply));
        }
        var progress = (await scenario.CampaignAsync(id)).Progress;
        Assert.Equal((1L, 1L), (progress.Sent, progress.Failed));
    }

    /// <summary>A campaign of <paramref name="recipients"/> running and enqueued, with no workers to send it.</summary>
    private static async Task<(EngineScenario Scenario, int CampaignId)> EnqueuedAsync(DatabaseProvider provider, int recipients)
    {
        var scenario = await EngineScenario.StartAsync(provider, new() { ["Sending:Workers"] = "0" });
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(recipients));
        await scenario.Commands.RunAsync(id, default);
        await scenario.Services.GetRequiredService<CampaignEngine>().CoordinateAsync(default);
        await scenario.WaitForAsync(id, c => c.Progress.Enqueued == recipients);
        return (scenario, id);
    }
}
