using System.Threading.Channels;

namespace Triton.Core.Sending;

/// <summary>How the batched writers (results, tracking events) gather a batch from their channel.</summary>
public static class ChannelBatches
{
    /// <summary>
    /// Adds what the channel holds to <paramref name="batch"/> until it has <paramref name="maxSize"/> items or
    /// <paramref name="flushMilliseconds"/> have passed since the call, so a quiet channel never holds an item back long.
    /// </summary>
    public static async Task FillAsync<T>(this ChannelReader<T> reader, List<T> batch, int maxSize, int flushMilliseconds, CancellationToken stopping)
    {
        var deadline = Environment.TickCount64 + flushMilliseconds;
        while (batch.Count < maxSize)
        {
            if (reader.TryRead(out var item)) { batch.Add(item); continue; }
            var wait = deadline - Environment.TickCount64;
            if (wait <= 0) return;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(wait));
            try { if (!await reader.WaitToReadAsync(timeout.Token)) return; }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested) { return; }
        }
    }
}
