using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Triton.Core.Campaigns;

namespace Triton.Tests.Components;

/// <summary>A progress feed the test publishes to, so a component's view of it can be checked event by event.</summary>
public sealed class ManualProgressFeed : ICampaignProgressFeed
{
    private readonly List<Channel<CampaignProgressEvent>> subscribers = [];
    private readonly Dictionary<int, CampaignProgressEvent> latest = [];

    public int Subscribers { get { lock (subscribers) return subscribers.Count; } }

    public void Publish(CampaignProgressEvent snapshot)
    {
        lock (subscribers)
        {
            latest[snapshot.CampaignId] = snapshot;
            foreach (var s in subscribers) s.Writer.TryWrite(snapshot);
        }
    }

    public CampaignProgressEvent? Latest(int campaignId)
    {
        lock (subscribers) return latest.GetValueOrDefault(campaignId);
    }

    public async IAsyncEnumerable<CampaignProgressEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<CampaignProgressEvent>();
        lock (subscribers) subscribers.Add(channel);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken)) yield return item;
        }
        finally
        {
            lock (subscribers) subscribers.Remove(channel);
        }
    }
}
