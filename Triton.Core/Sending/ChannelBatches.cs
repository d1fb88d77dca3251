using System.Threading.Channels;

namespace Triton.Core.Sending;

/// <summary>How the batched writers (results, tracking events) gather a batch from their channel.</summary>
public static class ChannelBatches
{
    /// <summary>
    /// Adds what the channel holds to <paramref name="batch"/> until it has <paramref name="maxSize"/> items or
    /// <paramref name="flushMilliseconds"/> have passed since the call, so a quiet channel never holds an item back long.
    /// </summary>
    /// <remarks>
    /// The wait for more items is never cancelled: on .NET 10 cancelling a bounded channel's waiting read can make a
    /// writer throw or lose an item under CPU contention (dotnet/runtime#131141), and this wait ended by its time
    /// limit for every batch that did not fill. It races a timer instead; a wait left behind ends with the next item.
    /// </remarks>
    public static async Task FillAsync<T>(this ChannelReader<T> reader, List<T> batch, int maxSize, int flushMilliseconds, CancellationToken stopping)
    {
        var deadline = Environment.TickCount64 + flushMilliseconds;
        while (batch.Count < maxSize)
        {
            if (reader.TryRead(out var item)) { batch.Add(item); continue; }
            var wait = deadline - Environment.TickCount64;
            if (wait <= 0) return;
            var more = reader.WaitToReadAsync(CancellationToken.None);
            if (!more.IsCompleted)
            {
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var waiting = more.AsTask();
                var limit = Task.Delay(TimeSpan.FromMilliseconds(wait), timer.Token);
                var first = await Task.WhenAny(waiting, limit);
                await timer.CancelAsync();
                if (first != waiting) return;
                more = new ValueTask<bool>(waiting);
            }
            if (!await more) return;
        }
    }
}
