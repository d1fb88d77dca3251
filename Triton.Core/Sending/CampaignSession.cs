using System.Collections.Concurrent;
using Triton.Core.Bounces;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Core.Suppressions;
using Triton.Core.Templates;

namespace Triton.Core.Sending;

/// <summary>
/// One running campaign in this process: its prepared content, transport, prefetched jobs and
/// in-flight count, and one cancellation source that halts it (pause, stop, shutdown).
/// </summary>
public sealed class CampaignSession(int campaignId, int generation, long runId, int listId, int concurrency,
    MessageComposer composer, SubjectMode subjectMode, IMailTransport transport, int transportId)
{
    private readonly CancellationTokenSource _halt = new();
    private readonly ConcurrentQueue<ClaimedDelivery> _buffer = new();
    private int _inFlight;
    private int _outstanding;
    private int _unsettled;
    private long _errors;

    public int CampaignId { get; } = campaignId;
    public int Generation { get; } = generation;
    public long RunId { get; } = runId;
    public int ListId { get; } = listId;
    public int Concurrency { get; } = Math.Max(1, concurrency);
    public MessageComposer Composer { get; } = composer;
    public SubjectMode SubjectMode { get; } = subjectMode;
    public SubjectPicker Subjects { get; } = composer.SubjectPicker();
    public IMailTransport Transport { get; } = transport;
    public int TransportId { get; } = transportId;

    /// <summary>The campaign's tracking category when its run started: its sends count there.</summary>
    public int? TrackingCategoryId { get; init; }
    /// <summary>This run's unsubscribe link signer (its key loaded once when the session started).</summary>
    public UnsubscribeLinks? Unsubscribe { get; init; }

    /// <summary>This run's VERP signer, or null when no bounce address is configured.</summary>
    public ReturnPathSigner? ReturnPaths { get; init; }

    /// <summary>Cancelled when the campaign must not start another message.</summary>
    public CancellationToken Halted => _halt.Token;
    public bool IsHalted => _halt.IsCancellationRequested;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Started and not yet recorded: what a pause still waits for, as the progress shows it.</summary>
    public int Unsettled => Volatile.Read(ref _unsettled);

    /// <summary>Claimed by this process and not yet recorded (buffered + in flight + awaiting the writer).</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    public Task? Enqueuing { get; set; }
    public bool EnqueueFinished => Enqueuing is { IsCompletedSuccessfully: true };

    public void Halt() => _halt.Cancel();

    private string? _pauseReason;

    /// <summary>
    /// Why the campaign must pause itself (send errors, a transport or storage failure), while that
    /// pause is not yet written. The coordinator writes it (retrying while the database refuses) and
    /// must not replace this session with a fresh one meanwhile.
    /// </summary>
    public string? PendingPause => Volatile.Read(ref _pauseReason);

    /// <summary>Stops starting messages at once; the campaign pauses with the first reason given.</summary>
    public void HaltFor(string reason)
    {
        Interlocked.CompareExchange(ref _pauseReason, reason, null);
        Halt();
    }

    /// <summary>The pause is written (or the campaign had already left Running).</summary>
    public void PauseWritten() => Volatile.Write(ref _pauseReason, null);

    /// <summary>The transport's configured rate (0: unlimited), which sizes the prefetch.</summary>
    public double RatePerSecond { get; set; }

    public void AddClaimed(IReadOnlyList<ClaimedDelivery> jobs)
    {
        Interlocked.Add(ref _outstanding, jobs.Count);
        foreach (var job in jobs) _buffer.Enqueue(job);
    }

    /// <summary>Takes the next job if the campaign is under its concurrency; counts it in flight.</summary>
    public bool TryStart(out ClaimedDelivery job)
    {
        job = null!;
        if (IsHalted || Volatile.Read(ref _inFlight) >= Concurrency) return false;
        if (Interlocked.Increment(ref _inFlight) > Concurrency || !_buffer.TryDequeue(out job!))
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }
        Interlocked.Increment(ref _unsettled);
        return true;
    }

    /// <summary>Counts jobs claimed for immediate processing (cron), not buffered.</summary>
    public void AddOutstanding(int count)
    {
        Interlocked.Add(ref _outstanding, count);
        Interlocked.Add(ref _unsettled, count);
    }

    public void Finished() => Interlocked.Decrement(ref _inFlight);

    public void Recorded(int count) => Interlocked.Add(ref _outstanding, -count);

    /// <summary>Results of started jobs written (or given up on: their leases expire).</summary>
    public void Settled(int count)
    {
        Recorded(count);
        Interlocked.Add(ref _unsettled, -count);
    }

    public bool HasBuffered => !_buffer.IsEmpty;

    /// <summary>Empties the prefetch buffer (to give the leases back).</summary>
    public List<long> DrainBuffer()
    {
        var ids = new List<long>();
        while (_buffer.TryDequeue(out var job)) ids.Add(job.Id);
        Recorded(ids.Count);
        return ids;
    }

    public long AddErrors(long count) => Interlocked.Add(ref _errors, count);

    /// <summary>Send errors in this run (MaxSendErrors counts them).</summary>
    public long Errors => Interlocked.Read(ref _errors);
}
