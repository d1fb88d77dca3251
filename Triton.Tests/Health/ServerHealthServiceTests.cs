using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Health;
using Triton.Core.Sending;
using Triton.Tests.Infrastructure;
using Triton.Tests.Sending;

namespace Triton.Tests.Health;

/// <summary>The dashboard's health figures read from a real database of each provider and this machine.</summary>
public sealed class ServerHealthServiceTests
{
    [Fact]
    public Task Figures_on_sqlite() => FiguresAsync(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task Figures_on_postgres() => FiguresAsync(DatabaseProvider.Postgres);

    private static async Task FiguresAsync(DatabaseProvider provider)
    {
        // No workers: the campaign's jobs stay queued, so the queue figures have something to count.
        await using var scenario = await EngineScenario.StartAsync(provider, new() { ["Sending:Workers"] = "0" });
        var health = scenario.Services.GetRequiredService<ServerHealthService>();

        var empty = await health.ReadAsync(default);
        Assert.True(empty.DatabaseReachable);
        Assert.Equal(0, empty.Queue!.Depth);
        Assert.Null(empty.Queue.OldestAge);
        Assert.Equal(0, empty.ActiveTriggers);

        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(40));
        await scenario.Commands.RunAsync(id, default);
        await scenario.Services.GetRequiredService<CampaignEngine>().CoordinateAsync(default);
        await scenario.WaitForAsync(id, c => c.Progress.Enqueued == 40);
        await AddTriggersAsync(scenario.Database);
        await Task.Delay(50);

        var figures = await health.ReadAsync(default);
        Assert.True(figures.DatabaseReachable);
        Assert.Null(figures.DatabaseError);
        Assert.Equal(40, figures.Queue!.CampaignDeliveries);
        Assert.Equal(0, figures.Queue.TransactionalMessages);
        Assert.True(figures.Queue.OldestAge > TimeSpan.Zero);
        Assert.True(figures.DatabaseSizeBytes > 0);
        Assert.Equal(2, figures.ActiveTriggers);
        var failing = Assert.Single(figures.FailingTriggers);
        Assert.Equal("Broken", failing.Name);
        Assert.Equal("Template error: missing partial", failing.Error);
        Assert.True(figures.SchedulerRunning);
        Assert.Equal(new Triton.Core.Bounces.BounceMailboxStatus(false, null, null, 0, 0, 0, 0, 0), figures.BounceMailbox); // no mailbox configured
        Assert.True(figures.DirectoriesWritable);
        Assert.Equal(["data", "pickup", "archive"], figures.Directories.Select(d => d.Name).Take(3));
        Assert.True(figures.ProcessMemoryBytes > 0);
        if (OperatingSystem.IsLinux())
        {
            Assert.NotNull(figures.LoadAverage);
            Assert.True(figures.SystemMemory!.TotalBytes >= figures.SystemMemory.AvailableBytes);
        }

        // A paused campaign's remaining jobs are not waiting on the server.
        await scenario.Commands.PauseAsync(id, default);
        Assert.Equal(0, (await health.ReadAsync(default)).Queue!.CampaignDeliveries);
    }

    /// <summary>Two active triggers (one whose last test failed) and an inactive failing one that does not count.</summary>
    private static async Task AddTriggersAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var now = DateTimeOffset.UtcNow;
        var template = await db.Templates.FirstAsync();
        var transport = await db.Transports.FirstAsync();
        var contracts = Enumerable.Range(0, 3).Select(i => new EventContract { Name = "event" + i, CreatedAt = now, UpdatedAt = now }).ToList();
        db.EventContracts.AddRange(contracts);
        await db.SaveChangesAsync();
        Trigger Make(string name, EventContract contract, bool active, string? error) => new()
        {
            Name = name, ContractId = contract.Id, ActiveContractId = active ? contract.Id : null, Active = active,
            TemplateId = template.Id, TransportId = transport.Id, FromAddress = "app@triton.test", Subjects = ["Hi"],
            LastTestAt = now, LastTestError = error, CreatedAt = now, UpdatedAt = now,
        };
        db.Triggers.AddRange(
            Make("Healthy", contracts[0], active: true, error: null),
            Make("Broken", contracts[1], active: true, error: "Template error: missing partial"),
            Make("Off", contracts[2], active: false, error: "Template error: old"));
        await db.SaveChangesAsync();
    }
}
