using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Domain;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Sending;

/// <summary>
/// The real Triton process killed mid-campaign (SIGKILL, no chance to clean up) and started again
/// on the same database: the campaign finishes and nobody is lost. Only messages in flight at the
/// kill (sent but not yet recorded) may go out twice.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int Recipients = 2500;
    private const int Concurrency = 8;
    private const int Workers = 4;
    private const int ResultBatch = 50;

    [Fact]
    public async Task A_process_killed_mid_campaign_finishes_after_restart_with_no_recipient_lost()
    {
        await using var database = new SqliteTestDatabase();
        var data = Directory.CreateTempSubdirectory("triton-crash-").FullName;
        try
        {
            await using (var db = database.CreateContext()) await db.Database.MigrateAsync();
            var id = await EngineScenario.CreateCampaignAsync(database, EngineScenario.Addresses(Recipients), ratePerSecond: 500, concurrency: Concurrency);
            await using (var db = database.CreateContext())
                await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CampaignState.Pending));

            using (var first = StartTriton(database, data))
            {
                await WaitAsync(database, id, c => c.Progress.Sent >= 500, first);
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync();
            }
            var atKill = await EngineScenario.CampaignAsync(database, id);
            Assert.Equal(CampaignState.Running, atKill.State);
            Assert.True(atKill.Progress.Sent < Recipients, "the kill came after the campaign finished");

            using var second = StartTriton(database, data);
            var done = await WaitAsync(database, id, c => c.State == CampaignState.Finished, second);
            second.Kill(entireProcessTree: true);

            Assert.Equal(Recipients, done.Progress.Plan);
            Assert.Equal(Recipients, done.Progress.Sent);
            var received = TritonProcess.Received(Path.Combine(data, "pickup"));
            Assert.Equal(Recipients, received.Count); // nobody lost
            var repeated = received.Values.Sum(n => n - 1);
            // The documented window (docs/SENDING.md): messages being sent by the workers plus the
            // results queued for the writer and the batch it was writing.
            Assert.InRange(repeated, 0, Workers + 2 * ResultBatch);
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static Process StartTriton(TestDatabase database, string data) => TritonProcess.Start(database, data, new Dictionary<string, string>
    {
        ["Sending__LeaseSeconds"] = "2",
        ["Sending__Workers"] = Workers.ToString(),
        ["Sending__ResultBatchSize"] = ResultBatch.ToString(),
    });

    private static Task<Campaign> WaitAsync(TestDatabase database, int id, Func<Campaign, bool> condition, Process process) =>
        TritonProcess.WaitAsync(database, id, condition, process);
}
