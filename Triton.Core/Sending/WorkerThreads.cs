using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Triton.Core.Sending;

/// <summary>
/// The send workers' own threads, at a lower CPU priority than the rest of the process (Linux: a nice value per
/// thread). A worker's code, and every continuation of it that does not leave this scheduler, runs here: rendering
/// and building each message, most of a campaign's CPU. On a machine a campaign keeps busy, the admin's clicks,
/// pages, the API and tracking requests then get a core first and the campaign takes what is left, instead of each
/// waiting in one queue with thousands of messages. With nothing else to run, the workers still use every core.
/// </summary>
public sealed class WorkerThreads : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = new();
    private readonly Thread[] _threads;
    private readonly int _nice;
    private readonly ILogger _logger;

    [ThreadStatic] private static bool _isWorkerThread;

    public WorkerThreads(int count, int nice, ILogger logger)
    {
        _nice = nice;
        _logger = logger;
        _threads = new Thread[Math.Max(1, count)];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = $"Triton send worker {i + 1}" };
            _threads[i].Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Starts <paramref name="work"/> on these threads; its awaits come back to them.</summary>
    public Task Start(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    protected override void QueueTask(Task task)
    {
        try
        {
            _queue.Add(task);
        }
        catch (InvalidOperationException) when (_queue.IsAddingCompleted)
        {
            // A continuation that completes after the threads ended (shutdown) runs on the pool instead of never.
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _isWorkerThread && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Run()
    {
        _isWorkerThread = true;
        LowerPriority();
        foreach (var task in _queue.GetConsumingEnumerable()) TryExecuteTask(task);
    }

    private void LowerPriority()
    {
        if (_nice == 0 || !OperatingSystem.IsLinux()) return;
        // On Linux a nice value belongs to a thread: PRIO_PROCESS with the thread's id sets this thread's alone.
        if (SetPriority(0, GetThreadId(), _nice) != 0)
            _logger.LogWarning("The send worker threads could not be given nice {Nice} (errno {Error}); they run at the process's priority",
                _nice, Marshal.GetLastPInvokeError());
    }

    /// <summary>Ends the threads once the tasks queued so far have run.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads) thread.Join(TimeSpan.FromSeconds(5));
        // The queue stays: a continuation that arrives later is told it is closed and goes to the pool.
    }

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
