using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Core.Sending;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Sending;

/// <summary>The progress feed's subscriptions on a real SQLite file: a slow subscriber keeps the newest 256 snapshots, and leaving ends its wait.</summary>
public sealed class CampaignProgressFeedTests
{
    [Fact]
    public async Task A_subscriber_that_falls_behind_keeps_the_newest_snapshots_and_leaving_ends_its_wait()
    {
        await using var database = new SqliteTestDatabase();
        await using (var db = database.CreateContext()) await db.Database.MigrateAsync();
        var firstId = await EngineScenario.CreateCampaignAsync(database, EngineScenario.Addresses(1), configure: c => c.State = CampaignState.Pending);
        using var board = new JobBoard();
        using var feed = new CampaignProgressFeed(database.ContextFactory(), board, TimeProvider.System, Options.Create(new SendingOptions()),
            NullLogger<CampaignProgressFeed>.Instance);

        using var leaving = new CancellationTokenSource();
        var subscription = feed.SubscribeAsync(leaving.Token).GetAsyncEnumerator(leaving.Token);
        var next = subscription.MoveNextAsync();
        await feed.PublishAsync(default);
        Assert.True(await next);
        Assert.Equal(firstId, subscription.Current.CampaignId);

        // The subscriber holds its first snapshot and reads nothing while 300 more campaigns are published.
        await using (var db = database.CreateContext())
        {
            var first = await db.Campaigns.AsNoTracking().SingleAsync();
            for (var i = 0; i < 300; i++)
                db.Campaigns.Add(new Campaign
                {
                    Name = "Campaign " + i, TemplateId = first.TemplateId, ListId = first.ListId, TransportId = first.TransportId,
                    FromAddress = first.FromAddress, State = CampaignState.Pending, CreatedAt = first.CreatedAt, UpdatedAt = first.UpdatedAt,
                });
            await db.SaveChangesAsync();
        }
        await feed.PublishAsync(default);

        var read = new List<int>();
        while (true)
        {
            next = subscription.MoveNextAsync();
            if (!next.IsCompleted) break; // nothing left: the subscriber waits
            Assert.True(await next);
            read.Add(subscription.Current.CampaignId);
        }
        Assert.Equal(256, read.Count);
        Assert.Equal(256, read.Distinct().Count());
        Assert.DoesNotContain(firstId, read);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
        await subscription.DisposeAsync();
    }
}
