using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Triton.Bench;

/// <summary>Postfix's smtp-sink on a free loopback port, for as long as the benchmark needs it.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/smtp-sink";
    private readonly Process _process;

    private SmtpSink(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public int ProcessId => _process.Id;

    public static async Task<SmtpSink> StartAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: install postfix (scripts/bench.sh does).");
        var port = FreePort();
        // smtp-sink must drop privileges to a named user when started as root; 1000 is its listen backlog.
        string[] args = Environment.UserName == "root" ? ["-u", "root", $"127.0.0.1:{port}", "1000"] : [$"127.0.0.1:{port}", "1000"];
        var process = Process.Start(new ProcessStartInfo(Executable, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine($"  smtp-sink: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (attempt < 100 && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
        Console.WriteLine($"smtp-sink listening on 127.0.0.1:{port} (pid {process.Id})");
        return new SmtpSink(process, port);
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

/// <summary>Finds the repository's folders (the node peers, the built web host) from wherever the program runs.</summary>
public static class RepositoryPaths
{
    public static string Root()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                if (File.Exists(Path.Combine(directory.FullName, "Triton.sln")))
                    return directory.FullName;
        throw new InvalidOperationException("Run the benchmark from inside the repository (Triton.sln not found above the working directory).");
    }

    public static string Peers => Path.Combine(Root(), "bench", "peers");
}

/// <summary>Runs a child process to its end, echoing its output; returns its standard output.</summary>
public static class ChildProcess
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if ((await error).Trim().Length > 0) Console.WriteLine($"  {Path.GetFileName(file)} (stderr): {(await error).Trim()}");
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} exited with {process.ExitCode}");
        return output;
    }
}
