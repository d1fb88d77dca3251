using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Triton.Core.Sending;

namespace Triton.Core.Tracking;

/// <summary>
/// Where the open and click endpoints leave their events: a bounded channel, so a request never
/// waits on the database. When the writer falls that far behind, new events are dropped and counted
/// (the log says how many), which keeps a burst of opens from slowing sending or memory from growing.
/// </summary>
public sealed class TrackingRecorder(IOptions<TrackingOptions> options)
{
    private readonly Channel<TrackingEvent> _events = Channel.CreateBounded<TrackingEvent>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long _accepted;
    private long _written;
    private long _dropped;
    private long _droppedUnlogged;
    private TaskCompletionSource _batchWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ChannelReader<TrackingEvent> Reader => _events.Reader;

    /// <summary>Queues an event; false (and counted) when the queue is full.</summary>
    public bool TryRecord(TrackingEvent trackingEvent)
    {
        if (_events.Writer.TryWrite(trackingEvent))
        {
            Interlocked.Increment(ref _accepted);
            return true;
        }
        Interlocked.Increment(ref _dropped);
        Interlocked.Increment(ref _droppedUnlogged);
        return false;
    }

    public long Accepted => Interlocked.Read(ref _accepted);
    public long Written => Interlocked.Read(ref _written);
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Takes the count of events dropped since the last call (the writer logs it).</summary>
    internal long TakeDropped() => Interlocked.Exchange(ref _droppedUnlogged, 0);

    internal void BatchWritten(int count)
    {
        Interlocked.Add(ref _written, count);
        Interlocked.Exchange(ref _batchWritten, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits until every event accepted before the call is in the database (tests, the benchmark).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Accepted;
        while (Written < target)
        {
            var next = Volatile.Read(ref _batchWritten).Task;
            if (Written >= target) return;
            await next.WaitAsync(cancellationToken);
        }
    }
}

/// <summary>
/// Drains the recorder in batches (up to Tracking:BatchSize events, or what came within
/// Tracking:FlushMilliseconds), one transaction each. A batch the database refuses is retried with
/// backoff; while it waits, the channel fills and further events are dropped, not the sending engine's time.
/// </summary>
public sealed class TrackingWriter(TrackingRecorder recorder, TrackingStore store, IOptions<TrackingOptions> options, ILogger<TrackingWriter> logger)
    : BackgroundService
{
    private readonly TrackingOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var reader = recorder.Reader;
        var batch = new List<TrackingEvent>(_options.BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stopping))
            {
                await reader.FillAsync(batch, _options.BatchSize, _options.FlushMilliseconds, stopping);
                await WriteAsync(batch, stopping);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        // Shutdown: one last try at what is already queued.
        while (reader.TryRead(out var item)) batch.Add(item);
        if (batch.Count > 0)
        {
            try { await store.WriteAsync(batch, CancellationToken.None); recorder.BatchWritten(batch.Count); }
            catch (Exception exception) { logger.LogWarning(exception, "{Count} opens and clicks were not recorded at shutdown", batch.Count); }
        }
    }

    private async Task WriteAsync(List<TrackingEvent> batch, CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                await store.WriteAsync(batch, stopping);
                recorder.BatchWritten(batch.Count);
                logger.LogDebug("Recorded {Count} opens and clicks in {Milliseconds:F1} ms", batch.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                break;
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                logger.LogError(exception, "Recording {Count} opens and clicks failed; writing them again", batch.Count);
                await Task.Delay(delay, stopping);
                delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, delay.Ticks * 2));
            }
        }
        if (recorder.TakeDropped() is > 0 and var dropped)
            logger.LogWarning("{Dropped} opens and clicks were dropped: the tracking queue (Tracking:QueueCapacity) was full", dropped);
    }
}
