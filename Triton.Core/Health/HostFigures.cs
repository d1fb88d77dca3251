using System.Globalization;

namespace Triton.Core.Health;

/// <summary>Load and memory of the machine, read from /proc on Linux; null where that is not available.</summary>
public static class HostFigures
{
    public static LoadAverage? ReadLoadAverage()
    {
        try
        {
            if (!File.Exists("/proc/loadavg")) return null;
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new LoadAverage(Parse(parts[0]), Parse(parts[1]), Parse(parts[2]), Environment.ProcessorCount);
        }
        catch (Exception exception) when (exception is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>MemTotal and MemAvailable of /proc/meminfo (what can be used without swapping).</summary>
    public static SystemMemory? ReadSystemMemory()
    {
        try
        {
            if (!File.Exists("/proc/meminfo")) return null;
            long? total = null, available = null;
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = Kilobytes(line);
                else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) available = Kilobytes(line);
            }
            return total is { } t && available is { } a ? new SystemMemory(t, a) : null;
        }
        catch (Exception exception) when (exception is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double Parse(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
