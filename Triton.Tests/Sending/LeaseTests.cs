using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Sending;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Sending;

/// <summary>
/// Job leases outlive any wait: a campaign on a transport slower than its lease sends nobody twice,
/// a lease this process lost is never sent, and renewals extend exactly the jobs held here.
/// </summary>
public sealed class LeaseTests
{
    [Fact]
    public async Task A_transport_slower_than_the_lease_sends_every_recipient_exactly_once()
    {
        // 250 recipients at 25/s take ten seconds, twice the five-second lease; the default prefetch
        // (500 jobs) once held all of them, and every lease lapsed while its job waited for the rate.
        const int recipients = 250;
        await using var database = new SqliteTestDatabase();
        var data = Directory.CreateTempSubdirectory("triton-lease-").FullName;
        try
        {
            await using (var db = database.CreateContext()) await db.Database.MigrateAsync();
            var id = await EngineScenario.CreateCampaignAsync(database, EngineScenario.Addresses(recipients), ratePerSecond: 25, concurrency: 16);
            await using (var db = database.CreateContext())
                await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CampaignState.Pending));

            using var triton = TritonProcess.Start(database, data, new Dictionary<string, string> { ["Sending__LeaseSeconds"] = "5" });
            var done = await TritonProcess.WaitAsync(database, id, c => c.State == CampaignState.Finished, triton);
            triton.Kill(entireProcessTree: true);

            Assert.Equal(recipients, done.Progress.Sent);
            var received = TritonProcess.Received(Path.Combine(data, "pickup"));
            Assert.Equal(recipients, received.Count);
            Assert.DoesNotContain(received, r => r.Value > 1);
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Renewal_extends_the_jobs_held_here_and_marks_a_job_taken_over_as_lost_so_it_is_never_sent()
    {
        var scripted = new ScriptedTransport();
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite,
            new() { ["Sending:Workers"] = "0", ["Sending:LeaseSeconds"] = "30" }, scripted);
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(4));
        await scenario.Commands.RunAsync(id, default);
        var engine = scenario.Services.GetRequiredService<CampaignEngine>();
        await engine.CoordinateAsync(default); // starts the session and enqueues
        await scenario.WaitForAsync(id, c => c.Progress.Enqueued == 4);

        var store = scenario.Services.GetRequiredService<DeliveryStore>();
        var owner = scenario.Services.GetRequiredService<EngineIdentity>().Owner;
        var book = scenario.Services.GetRequiredService<LeaseBook>();
        var campaign = await scenario.CampaignAsync(id);
        var jobs = await store.ClaimAsync(id, campaign.Generation, owner, 4, TimeSpan.FromSeconds(30), false, default);
        Assert.Equal(4, jobs.Count);
        foreach (var job in jobs) Assert.True(book.TryHold(job));
        Assert.False(book.TryHold(jobs[0]), "a job already held here must not be held twice");

        // Another instance took one over after its lease lapsed.
        var taken = jobs[0];
        await using (var db = scenario.Database.CreateContext())
            await db.Deliveries.Where(d => d.Id == taken.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, "another-instance"));
        var before = jobs[1].LeaseUntil;
        await Task.Delay(20);
        await scenario.Services.GetRequiredService<LeaseKeeper>().RenewAsync(default);

        Assert.True(taken.LeaseLost);
        Assert.All(jobs.Skip(1), j => Assert.False(j.LeaseLost));
        Assert.True(jobs[1].LeaseUntil > before);
        await using (var db = scenario.Database.CreateContext())
        {
            var stored = await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == jobs[1].Id);
            Assert.Equal(jobs[1].LeaseUntil, stored.LeaseUntil);
        }

        // The lost job is handed to a worker: nothing goes out, and it stays queued for its owner.
        var session = scenario.Services.GetRequiredService<JobBoard>().Find(id)!;
        var result = await scenario.Services.GetRequiredService<DeliveryAttempt>().ExecuteAsync(session, taken, default);
        Assert.Equal(DeliveryStatus.Queued, result.Status);
        Assert.Equal(0, scripted.AttemptsFor(taken.Email));
        var sent = await scenario.Services.GetRequiredService<DeliveryAttempt>().ExecuteAsync(session, jobs[1], default);
        Assert.Equal(DeliveryStatus.Sent, sent.Status);
    }
    [Fact]
    public async Task Jobs_claimed_while_their_campaign_was_being_paused_are_given_back_not_left_leased()
    {
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite,
            new() { ["Sending:Workers"] = "0", ["Sending:LeaseSeconds"] = "30" }, new ScriptedTransport());
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(6));
        await scenario.Commands.RunAsync(id, default);
        await scenario.Services.GetRequiredService<CampaignEngine>().CoordinateAsync(default); // starts the session and enqueues
        await scenario.WaitForAsync(id, c => c.Progress.Enqueued == 6);
        var store = scenario.Services.GetRequiredService<DeliveryStore>();
        var owner = scenario.Services.GetRequiredService<EngineIdentity>().Owner;
        var book = scenario.Services.GetRequiredService<LeaseBook>();
        var pipeline = scenario.Services.GetRequiredService<SendPipeline>();
        var session = scenario.Services.GetRequiredService<JobBoard>().Find(id)!;
        var generation = (await scenario.CampaignAsync(id)).Generation;

        // A claim for a running session: its jobs wait in the session's buffer for the workers.
        var running = await store.ClaimAsync(id, generation, owner, 3, TimeSpan.FromSeconds(30), false, default);
        Assert.True(await pipeline.TakeClaimedAsync(session, running, default));
        Assert.True(session.HasBuffered);
        Assert.Equal(3, book.Count);

        // The campaign is paused while the next claim runs: the session's end gave back what it held, then the claim returns.
        var claiming = await store.ClaimAsync(id, generation, owner, 3, TimeSpan.FromSeconds(30), false, default);
        session.Halt();
        await pipeline.GiveBackAsync(session, default);
        Assert.False(await pipeline.TakeClaimedAsync(session, claiming, default));

        Assert.False(session.HasBuffered);
        Assert.Equal(0, book.Count);
        Assert.Equal(0, session.Outstanding);
        await using var db = scenario.Database.CreateContext();
        var leased = await db.Deliveries.AsNoTracking().Where(d => d.CampaignId == id && d.LeaseOwner != null).CountAsync();
        Assert.Equal(0, leased); // the next run claims them at once, not after the lease
    }
}
