using System.Diagnostics;

namespace Triton.Bench;

/// <summary>Timing, peak memory and the sqlite3 command-line peer.</summary>
public static class Measure
{
    /// <summary>VmHWM: the process's peak resident set, as the kernel counts it.</summary>
    public static long PeakMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0]) / 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024);
    }

    public static void Report(string what, long count, TimeSpan elapsed) =>
        Console.WriteLine($"{what}: {count} in {elapsed.TotalSeconds:F2} s = {count / elapsed.TotalSeconds:F0}/s");

    /// <summary>Runs sqlite3 on a fresh file with the given script on stdin; returns the wall time of the child.</summary>
    public static async Task<TimeSpan> Sqlite3Async(string database, string script)
    {
        var start = new ProcessStartInfo("sqlite3", [database])
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true,
        };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        watch.Stop();
        if (process.ExitCode != 0 || (await error).Length > 0)
            throw new InvalidOperationException($"sqlite3 failed ({process.ExitCode}): {await error}");
        return watch.Elapsed;
    }
}
