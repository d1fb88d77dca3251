using System.Diagnostics;

namespace Triton.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted for one test, to fill up or make read-only while Triton works on it.
/// Mounting needs root: the test script runs as root in CI; elsewhere <see cref="LocalFaultFactAttribute"/> skips.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    private readonly List<string> _mounts = [];

    public SmallFileSystem(int megabytes)
    {
        Path = Directory.CreateTempSubdirectory("triton-small-fs-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Path);
        _mounts.Add(Path);
    }

    public string Path { get; }

    /// <summary>Writes a file until the file system is full; answers its path (delete it to free the space).</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler-" + Guid.NewGuid().ToString("N"));
        var block = new byte[64 * 1024];
        try
        {
            using var file = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
            while (true) file.Write(block);
        }
        catch (IOException exception) when ((exception.HResult & 0xFFFF) == 28)
        {
            // Full, as intended. Smaller writes take the last partial blocks too.
        }
        try
        {
            using var file = new FileStream(filler, FileMode.Append, FileAccess.Write, FileShare.None, 1);
            while (true) file.Write(block, 0, 512);
        }
        catch (IOException exception) when ((exception.HResult & 0xFFFF) == 28) { }
        return filler;
    }

    /// <summary>Makes one folder of the file system read-only (a read-only bind mount over it).</summary>
    public void MakeReadOnly(string folder)
    {
        Run("mount", "--bind", folder, folder);
        _mounts.Add(folder);
        // The kernel refuses (busy) while a file is open for writing through the new mount, as a pickup
        // file being written at that moment: the writes are short, so try again.
        var error = "";
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (TryRun("mount", ["-o", "remount,bind,ro", folder], out error)) return;
            if (!error.Contains("busy", StringComparison.OrdinalIgnoreCase)) break;
            Thread.Sleep(10);
        }
        throw new InvalidOperationException($"mount -o remount,bind,ro {folder} failed: {error}");
    }

    /// <summary>Undoes <see cref="MakeReadOnly"/>.</summary>
    public void MakeWritable(string folder)
    {
        Run("umount", folder);
        _mounts.Remove(folder);
    }

    /// <summary>Remounts the whole file system read-only; false while a file on it is open for writing.</summary>
    public bool TryRemountReadOnly() => TryRun("mount", "-o", "remount,ro", Path);

    public void RemountWritable() => Run("mount", "-o", "remount,rw", Path);

    public void Dispose()
    {
        for (var i = _mounts.Count - 1; i >= 0; i--) TryRun("umount", "-l", _mounts[i]);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }

    /// <summary>Why local-fault tests cannot run here, or null when they can (root, and tmpfs mounts work).</summary>
    public static string? UnavailableReason { get; } = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "needs Linux tmpfs mounts";
        if (Environment.UserName != "root") return "needs root to mount a small tmpfs (the test script runs as root in CI)";
        try
        {
            using var probe = new SmallFileSystem(1);
            return null;
        }
        catch (Exception exception)
        {
            return "cannot mount a tmpfs here: " + exception.Message;
        }
    }

    private static void Run(string command, params string[] arguments)
    {
        if (!TryRun(command, arguments, out var error))
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed: {error}");
    }

    private static bool TryRun(string command, params string[] arguments) => TryRun(command, arguments, out _);

    private static bool TryRun(string command, string[] arguments, out string error)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}

/// <summary>
/// A fact that mounts small file systems: skipped with the reason where that is not possible, except
/// under CI (which runs as root), where it runs and fails loudly rather than pass unseen.
/// </summary>
public sealed class LocalFaultFactAttribute : FactAttribute
{
    public LocalFaultFactAttribute()
    {
        if (SmallFileSystem.UnavailableReason is { } reason && Environment.GetEnvironmentVariable("CI") is null) Skip = reason;
    }
}
