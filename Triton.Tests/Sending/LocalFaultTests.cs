using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Sending;
using Microsoft.Extensions.DependencyInjection;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Sending;

/// <summary>
/// Triton's own resources failing mid-campaign (a full disk, an unwritable pickup folder, a
/// read-only database) pause the campaign with the reason instead of failing recipients, keep
/// the API answering reads, and once the resource is back a Run sends everyone exactly once.
/// </summary>
public sealed class LocalFaultTests
{
    private const int Workers = 4;
    private const int ResultBatch = 50;

    private static Dictionary<string, string?> Settings(string data) => new()
    {
        ["Triton:DataDirectory"] = data,
        ["Sending:Workers"] = Workers.ToString(),
        ["Sending:ResultBatchSize"] = ResultBatch.ToString(),
        ["Sending:MaxAttempts"] = "2",
        ["Sending:RetryBaseDelaySeconds"] = "0.05",
    };

    [LocalFaultFact]
    public async Task A_full_disk_pauses_the_campaign_with_the_reason_and_a_run_after_freeing_it_sends_everyone_once()
    {
        using var disk = new SmallFileSystem(48);
        await using var database = new SqliteTestDatabase(Path.Combine(disk.Path, "db"));
        var data = Path.Combine(disk.Path, "data");
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, Settings(data), database: database);
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(3000), ratePerSecond: 400, concurrency: 8);
        using var api = scenario.CreateApiClient();

        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.Progress.Sent >= 300);
        var filler = disk.Fill();

        var paused = await scenario.WaitForAsync(id, c => c.State == CampaignState.Paused, seconds: 20);
        // Whichever noticed first: the pickup folder or the database, both on the full disk.
        Assert.Matches("No space left on device: .*pickup|The database or its disk is full", paused.StateReason);
        Assert.Equal(0, paused.Progress.Failed);
        await AssertReadsWorkAsync(api, id, "Paused");

        File.Delete(filler);
        Assert.Equal(CommandStatus.Done, (await scenario.Commands.RunAsync(id, default)).Status);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished, seconds: 60);
        AssertEveryoneOnce(done, 3000, Path.Combine(data, "pickup"));
    }

    [LocalFaultFact]
    public async Task An_unwritable_pickup_folder_pauses_the_campaign_and_fails_nobody()
    {
        using var disk = new SmallFileSystem(64);
        var data = Path.Combine(disk.Path, "data");
        var pickup = Path.Combine(data, "pickup");
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, Settings(data));
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(1500), ratePerSecond: 300, concurrency: 8);
        using var api = scenario.CreateApiClient();

        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.Progress.Sent >= 200);
        disk.MakeReadOnly(pickup);

        var paused = await scenario.WaitForAsync(id, c => c.State == CampaignState.Paused, seconds: 20);
        Assert.Contains("Read-only file system", paused.StateReason);
        Assert.Equal(0, paused.Progress.Failed);
        await AssertReadsWorkAsync(api, id, "Paused");

        disk.MakeWritable(pickup);
        await scenario.Commands.RunAsync(id, default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished, seconds: 60);
        AssertEveryoneOnce(done, 1500, pickup);
    }

    [LocalFaultFact]
    public async Task A_read_only_database_halts_sending_with_the_reason_and_the_pause_lands_once_it_is_writable()
    {
        using var disk = new SmallFileSystem(32);
        await using var database = new SqliteTestDatabase(disk.Path);
        var data = Directory.CreateTempSubdirectory("triton-ro-data-").FullName;
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, Settings(data), database: database);
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(1500), ratePerSecond: 300, concurrency: 8);
        using var api = scenario.CreateApiClient();

        await scenario.Commands.RunAsync(id, default);
        await scenario.WaitForAsync(id, c => c.Progress.Sent >= 200);
        // A remount to read-only waits for a moment when no connection has the file open for writing.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            SqliteConnection.ClearAllPools();
            if (disk.TryRemountReadOnly()) break;
            Assert.True(DateTime.UtcNow < deadline, "the database file system never became read-only");
            await Task.Delay(5);
        }

        // Sending stops within seconds with the reason, while the database cannot even take the pause.
        // (SQLite cannot open a WAL database it may not write its index for: reads answer 503 with the reason.)
        var pickup = Path.Combine(data, "pickup");
        var board = scenario.Services.GetRequiredService<JobBoard>();
        string? pending = null;
        for (var i = 0; i < 100 && pending is null; i++)
        {
            pending = board.Find(id)?.PendingPause;
            await Task.Delay(50);
        }
        Assert.Matches("read-only|cannot be opened", pending);
        await Task.Delay(500);
        var files = Directory.GetFiles(pickup).Length;
        await Task.Delay(1000);
        Assert.Equal(files, Directory.GetFiles(pickup).Length);
        var read = await api.GetAsync($"/api/campaigns/{id}");
        Assert.True(read.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, read.StatusCode.ToString());
        Assert.Matches("read-only|cannot be opened", await read.Content.ReadAsStringAsync());

        disk.RemountWritable();
        var paused = await scenario.WaitForAsync(id, c => c.State == CampaignState.Paused, seconds: 30);
        Assert.Matches("read-only|cannot be opened", paused.StateReason);
        Assert.Equal(0, paused.Progress.Failed);
        await scenario.Commands.RunAsync(id, default);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished, seconds: 60);
        AssertEveryoneOnce(done, 1500, pickup);
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    private static async Task<JsonElement> ReadAsync(HttpClient api, int id)
    {
        var response = await api.GetAsync($"/api/campaigns/{id}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertReadsWorkAsync(HttpClient api, int id, string state)
    {
        Assert.Equal(state, (await ReadAsync(api, id)).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/campaigns/{id}/deliveries")).StatusCode);
    }

    /// <summary>Everyone received it; repeats only within the in-flight bound (docs/SENDING.md), none failed.</summary>
    private static void AssertEveryoneOnce(Campaign done, int recipients, string pickup)
    {
        Assert.Equal(recipients, done.Progress.Sent);
        Assert.Equal(0, done.Progress.Failed);
        var received = TritonProcess.Received(pickup);
        Assert.Equal(recipients, received.Count);
        Assert.InRange(received.Values.Sum(n => n - 1), 0, Workers + 2 * ResultBatch);
    }
}
