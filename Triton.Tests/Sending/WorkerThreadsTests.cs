using Microsoft.Extensions.Logging.Abstractions;
using Triton.Core.Sending;

namespace Triton.Tests.Sending;

/// <summary>The send workers' threads: their work and its continuations run there, at the lower priority asked for.</summary>
public sealed class WorkerThreadsTests
{
    [Fact]
    public async Task Work_and_the_continuations_of_its_awaits_run_on_the_worker_threads_at_their_nice_value()
    {
        var own = Nice();
        using var threads = new WorkerThreads(2, 7, NullLogger.Instance);
        var seen = new List<(string? Thread, int Nice)>();

        await threads.Start(async () =>
        {
            seen.Add((Thread.CurrentThread.Name, Nice()));
            await Task.Delay(10); // completes on a timer thread: the rest must come back here
            seen.Add((Thread.CurrentThread.Name, Nice()));
            await Task.Run(() => Thread.Sleep(5));
            seen.Add((Thread.CurrentThread.Name, Nice()));
        });

        Assert.Equal(3, seen.Count);
        Assert.All(seen, s => Assert.StartsWith("Triton send worker", s.Thread));
        if (OperatingSystem.IsLinux()) Assert.All(seen, s => Assert.Equal(7, s.Nice));
        Assert.Equal(own, await Task.Run(Nice)); // the pool's threads keep the process's value
    }

    [Fact]
    public async Task Nice_zero_leaves_the_threads_at_the_process_priority()
    {
        using var threads = new WorkerThreads(1, 0, NullLogger.Instance);
        var nice = -100;
        await threads.Start(() =>
        {
            nice = Nice();
            return Task.CompletedTask;
        });
        Assert.Equal(Nice(), nice);
    }

    [Fact]
    public async Task Many_workers_on_few_threads_all_finish_and_a_continuation_after_dispose_still_runs()
    {
        var threads = new WorkerThreads(2, 5, NullLogger.Instance);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        var work = Enumerable.Range(0, 16).Select(_ => threads.Start(async () =>
        {
            await Task.Yield();
            Interlocked.Increment(ref count);
        })).ToArray();
        await Task.WhenAll(work).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(16, count);

        var late = threads.Start(async () => await release.Task);
        await Task.Delay(20); // the work waits on release, queued nowhere
        threads.Dispose();
        release.SetResult(); // its continuation is queued after the threads ended
        await late.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>This thread's nice value, from the kernel (field 19 of /proc/thread-self/stat).</summary>
    private static int Nice()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16]); // fields after the name start at field 3 (state)
    }
}
