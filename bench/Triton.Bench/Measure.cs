using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Triton.Bench;

/// <summary>What one timed phase did: messages, wall time and the CPU time of the process that did the work.</summary>
public sealed record Throughput(long Count, TimeSpan Elapsed, TimeSpan Cpu)
{
    public double Rate => Count / Elapsed.TotalSeconds;

    /// <summary>CPU milliseconds per message: steadier than the rate on a shared machine.</summary>
    public double CpuMsPerMessage => Cpu.TotalMilliseconds / Count;
}

/// <summary>Timing, peak memory, CPU time and the sqlite3 command-line peer.</summary>
public static class Measure
{
    /// <summary>
    /// Writes every dirty page of the machine to disk, so a timed phase does not pay for the write-back
    /// of the phase before it (an import leaves about a gigabyte of WAL and database writes behind).
    /// </summary>
    public static void FlushDisks() => Sync();

    [DllImport("libc", EntryPoint = "sync")]
    private static extern void Sync();

    /// <summary>VmHWM: the process's peak resident set since start or the last <see cref="ResetPeak"/>.</summary>
    public static long PeakMegabytes() => PeakMegabytes(Environment.ProcessId);

    /// <summary>VmHWM of another process (a child), read while it runs.</summary>
    public static long PeakMegabytes(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0]) / 1024;
        }
        catch (IOException) { }
        return -1;
    }

    /// <summary>VmRSS of another process (a child): its resident set now, in MB.</summary>
    public static double ResidentMegabytes(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0]) / 1024.0;
        }
        catch (IOException) { }
        return double.NaN;
    }

    /// <summary>Resets VmHWM to the current resident set, so the next reading is the peak of one phase alone.</summary>
    public static void ResetPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException exception) { Console.WriteLine($"(cannot reset the peak resident set: {exception.Message})"); }
        catch (UnauthorizedAccessException exception) { Console.WriteLine($"(cannot reset the peak resident set: {exception.Message})"); }
    }

    /// <summary>
    /// Waits until .NET has compiled no method for a second (at most 30 s) and says how long that took. The tiered
    /// compiler re-compiles hot methods optimized on a background thread, and it holds that work back while new code is
    /// still being compiled: after a new host's start-up and warm-up, a thousand methods (the host's, EF Core's, the
    /// warm-up's) were still queued and were compiled during the measured campaign, about a fifth of its CPU, so the
    /// phase measured the compiler. A long-running server has done that work; the measured phases start after it.
    /// </summary>
    public static async Task SettleCompilationAsync()
    {
        var watch = Stopwatch.StartNew();
        var start = System.Runtime.JitInfo.GetCompiledMethodCount();
        var last = start;
        var quietSince = watch.Elapsed;
        while (watch.Elapsed - quietSince < TimeSpan.FromSeconds(1) && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != last) (last, quietSince) = (now, watch.Elapsed);
        }
        Console.WriteLine($"  compiler settled: {last - start} methods compiled in the {watch.Elapsed.TotalSeconds:F1} s before the phase");
    }

    public static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    public static double Report(string what, long count, TimeSpan elapsed)
    {
        var rate = count / elapsed.TotalSeconds;
        Console.WriteLine($"{what}: {count} in {elapsed.TotalSeconds:F2} s = {rate:F0}/s");
        return rate;
    }

    /// <summary>Reports wall time, CPU time of this process over the same span, and the peak resident set of the phase.</summary>
    public static double Report(string what, long count, TimeSpan elapsed, TimeSpan cpu)
    {
        var rate = count / elapsed.TotalSeconds;
        Console.WriteLine($"{what}: {count} in {elapsed.TotalSeconds:F2} s = {rate:F0}/s; cpu {cpu.TotalSeconds:F2} s ({cpu / elapsed:F2} cores busy); peak rss {PeakMegabytes()} MB");
        return rate;
    }

    /// <summary>Reports a phase as <see cref="Report(string, long, TimeSpan, TimeSpan)"/> does, with its CPU per message.</summary>
    public static Throughput Phase(string what, long count, TimeSpan elapsed, TimeSpan cpu)
    {
        var phase = new Throughput(count, elapsed, cpu);
        Report(what, count, elapsed, cpu);
        Console.WriteLine($"  cpu per message {phase.CpuMsPerMessage:F3} ms");
        return phase;
    }

    /// <summary>The nearest-rank percentile (p = 0.5: the median of an odd count), NaN for no values.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static void Ratio(string what, double numerator, double denominator) =>
        Console.WriteLine($"ratio {what}: {numerator / denominator:F2}");

    /// <summary>Runs sqlite3 on a fresh file with the given script on stdin; returns the wall time of the child.</summary>
    public static async Task<TimeSpan> Sqlite3Async(string database, string script)
    {
        var start = new ProcessStartInfo("sqlite3", [database])
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true,
        };
        FlushDisks();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        watch.Stop();
        if (process.ExitCode != 0 || (await error).Length > 0)
            throw new InvalidOperationException($"sqlite3 failed ({process.ExitCode}): {await error}");
        if (output.Trim().Length > 0) Console.WriteLine($"  sqlite3 says: {output.Trim().ReplaceLineEndings(" ")}");
        return watch.Elapsed;
    }
}

/// <summary>
/// The start of a measured phase: the process's garbage collection and the monotonic clock, to report what the phase
/// allocated and collected, and its span on CLOCK_MONOTONIC (a profile taken with `perf record -k CLOCK_MONOTONIC` is
/// cut to it with `--time`).
/// </summary>
public readonly record struct PhaseMark(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Started)
{
    public static PhaseMark Take() => new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
        GC.GetTotalPauseDuration(), Stopwatch.GetTimestamp());

    /// <summary>Prints what was allocated per message and collected since this mark, and the phase's monotonic span.</summary>
    public void Report(long messages)
    {
        var now = Take();
        Console.WriteLine($"  garbage collection meanwhile: {(now.Allocated - Allocated) / (double)Math.Max(1, messages) / 1024:F1} KB allocated per message; "
            + $"collections gen0 {now.Gen0 - Gen0}, gen1 {now.Gen1 - Gen1}, gen2 {now.Gen2 - Gen2}; paused {(now.Paused - Paused).TotalMilliseconds:F0} ms");
        Console.WriteLine($"  ran from monotonic {Monotonic(Started):F3} s to {Monotonic(now.Started):F3} s");
    }

    private static double Monotonic(long timestamp) => (double)timestamp / Stopwatch.Frequency;
}
