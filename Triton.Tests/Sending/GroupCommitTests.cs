using Triton.Core.Sending;

namespace Triton.Tests.Sending;

/// <summary>
/// The batched writers' group commit: each caller gets its own item's answer, a batch that fails fails exactly its
/// callers, callers wait for room when it is full and may give up waiting without losing or repeating anyone's item,
/// and stopping answers every caller it accepted.
/// </summary>
public sealed class GroupCommitTests
{
    /// <summary>
    /// The writer of these tests: writes and answers a batch's items one by one and records every batch it completes; holds a
    /// batch while <see cref="Hold"/> is set; refuses "refused" and what follows it in its batch; on stopping, writes (as the
    /// result writers do) or cancels (as the events intake does).
    /// </summary>
    private sealed class Writer(bool cancelWhenStopping = false)
    {
        private readonly List<string[]> _batches = [];
        private readonly List<string> _written = [];
        public TaskCompletionSource? Hold { get; set; }
        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Lets the held batch (and every later one) through.</summary>
        public void Release()
        {
            var hold = Hold;
            Hold = null;
            hold?.SetResult();
        }

        public string[][] Batches { get { lock (_batches) return [.. _batches]; } }
        public string[] Written { get { lock (_written) return [.. _written]; } }

        public async Task WriteAsync(GroupCommit<string, string>.Batch batch, CancellationToken stopping)
        {
            if (Hold is { } hold)
            {
                Holding.TrySetResult();
                await hold.Task;
            }
            if (cancelWhenStopping) stopping.ThrowIfCancellationRequested();
            var items = batch.Items;
            // Recorded before its answers: a caller that has its answer may look at the batches at once.
            if (!items.Contains("refused")) lock (_batches) _batches.Add([.. items]);
            // Answers what comes before a refused item, as a writer that stores its items one by one does.
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] == "refused") throw new InvalidOperationException("the database refused the batch");
                lock (_written) _written.Add(items[i]);
                batch.Answer(i, "stored " + items[i]);
            }
        }
    }

    /// <summary>A group commit whose writer holds its first batch ("in flight") until released, so that what comes meanwhile waits.</summary>
    private static async Task<(Writer Writer, GroupCommit<string, string> Commit, Task<string> InFlight)> HeldAsync(int capacity, int batchSize,
        bool cancelWhenStopping = false)
    {
        var writer = new Writer(cancelWhenStopping) { Hold = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        var commit = new GroupCommit<string, string>(capacity, batchSize, writer.WriteAsync);
        var inFlight = commit.WriteAsync("in flight", default);
        await writer.Holding.Task;
        return (writer, commit, inFlight);
    }

    [Fact]
    public async Task Each_caller_gets_its_own_items_answer_and_waiting_items_go_in_one_batch()
    {
        var (writer, commit, inFlight) = await HeldAsync(100, 10);
        await using var _ = commit;
        // While a batch is being written, the next callers wait together.
        var next = Enumerable.Range(0, 5).Select(i => commit.WriteAsync("next " + i, default)).ToArray();
        writer.Release();

        Assert.Equal("stored in flight", await inFlight);
        for (var i = 0; i < next.Length; i++) Assert.Equal("stored next " + i, await next[i]);
        Assert.Equal(new[] { new[] { "in flight" }, ["next 0", "next 1", "next 2", "next 3", "next 4"] }, writer.Batches);
    }

    [Fact]
    public async Task A_batch_that_fails_fails_exactly_its_callers_not_answered_yet_and_the_next_batch_goes_in()
    {
        var (writer, commit, inFlight) = await HeldAsync(100, 10);
        await using var _ = commit;
        var answeredFirst = commit.WriteAsync("answered first", default);
        var refused = commit.WriteAsync("refused", default);
        var sameBatch = commit.WriteAsync("same batch", default);
        writer.Release();

        Assert.Equal("stored in flight", await inFlight);
        Assert.Equal("stored answered first", await answeredFirst);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => refused);
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => sameBatch));
        Assert.Equal("stored after", await commit.WriteAsync("after", default));
        Assert.Equal(new[] { "in flight", "answered first", "after" }, writer.Written);
    }

    [Fact]
    public async Task A_writer_that_returns_without_answering_an_item_fails_that_caller()
    {
        await using var commit = new GroupCommit<string, string>(10, 10, (batch, _) =>
        {
            for (var i = 0; i < batch.Items.Count; i++)
                if (batch.Items[i] == "a") batch.Answer(i, "answered");
            return Task.CompletedTask;
        });
        var callers = new[] { commit.WriteAsync("a", default), commit.WriteAsync("b", default) };
        Assert.Equal("answered", await callers[0]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => callers[1]);
    }

    [Fact]
    public async Task When_full_a_caller_waits_for_room_and_one_that_gives_up_hands_nothing_over()
    {
        var (writer, commit, inFlight) = await HeldAsync(2, 1);
        await using var _ = commit;
        var waiting = new[] { commit.WriteAsync("a", default), commit.WriteAsync("b", default) };

        // Full: two wait while the writer holds the batch before them, so the next waits for room.
        using var givesUp = new CancellationTokenSource();
        var gaveUp = commit.WriteAsync("gave up", givesUp.Token);
        var patient = commit.WriteAsync("patient", default);
        Assert.False(gaveUp.IsCompleted);
        Assert.False(patient.IsCompleted);
        await givesUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);

        writer.Release();
        Assert.Equal("stored in flight", await inFlight);
        Assert.Equal(new[] { "stored a", "stored b" }, await Task.WhenAll(waiting));
        Assert.Equal("stored patient", await patient);
        Assert.Equal(new[] { "in flight", "a", "b", "patient" }, writer.Written);
    }

    [Fact]
    public async Task Callers_giving_up_at_any_moment_neither_lose_nor_repeat_anyone_elses_item()
    {
        var writer = new Writer();
        await using var commit = new GroupCommit<string, string>(4, 3, writer.WriteAsync);
        var callers = Enumerable.Range(0, 2000).Select(i => Task.Run(async () =>
        {
            using var gives = new CancellationTokenSource();
            if (i % 2 == 0) gives.CancelAfter(TimeSpan.FromTicks(Random.Shared.Next(0, 20_000)));
            try { return (Item: "item " + i, Answer: await commit.WriteAsync("item " + i, gives.Token)); }
            catch (OperationCanceledException) { return (Item: "item " + i, Answer: (string?)null); }
        })).ToArray();
        var answers = await Task.WhenAll(callers);

        // The writer is still awake afterwards, and had every item once at most.
        Assert.Equal("stored last", await commit.WriteAsync("last", default));
        var written = writer.Written;
        Assert.Equal(written.Length, written.Distinct().Count());
        foreach (var (item, answer) in answers)
            if (answer is not null) Assert.Equal("stored " + item, answer);
        // Every caller that did not give up was answered and written; a caller that gave up was written at most once.
        Assert.All(answers.Where((_, i) => i % 2 == 1), a => Assert.Equal("stored " + a.Item, a.Answer));
        Assert.Subset(written.ToHashSet(), answers.Where(a => a.Answer is not null).Select(a => a.Item).ToHashSet());
        Assert.All(writer.Batches, b => Assert.InRange(b.Length, 1, 3));
    }

    [Fact]
    public async Task Stopping_writes_what_was_accepted_once_more_and_refuses_what_comes_after()
    {
        var (writer, commit, inFlight) = await HeldAsync(2, 1);
        var accepted = new[] { commit.WriteAsync("a", default), commit.WriteAsync("b", default) };
        var waitingForRoom = commit.WriteAsync("no room", default);

        var stopped = commit.DisposeAsync().AsTask();
        writer.Release();
        await stopped;

        Assert.Equal("stored in flight", await inFlight);
        Assert.Equal(new[] { "stored a", "stored b" }, await Task.WhenAll(accepted));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waitingForRoom);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => commit.WriteAsync("after", default));
        Assert.Equal(new[] { "in flight", "a", "b" }, writer.Written);
    }

    [Fact]
    public async Task Stopping_with_a_writer_that_cancels_cancels_what_waits_and_answers_every_caller()
    {
        var (writer, commit, inFlight) = await HeldAsync(100, 1, cancelWhenStopping: true);
        var accepted = new[] { commit.WriteAsync("a", default), commit.WriteAsync("b", default) };

        var stopped = commit.DisposeAsync().AsTask();
        writer.Release();
        await stopped;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => inFlight);
        foreach (var caller in accepted) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => caller);
        Assert.Empty(writer.Written);
    }
}
