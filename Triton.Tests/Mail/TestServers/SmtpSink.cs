using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Triton.Tests.Mail.TestServers;

/// <summary>Postfix's smtp-sink in its own process, dumping each accepted message to a file.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Program = "/usr/sbin/smtp-sink";
    private readonly Process _process;

    public int Port { get; }
    public string Directory { get; }

    private SmtpSink(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public static async Task<SmtpSink> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("triton-smtp-sink-").FullName;
        // smtp-sink drops root for this user and must still write its dumps here.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        var port = FreePort();
        List<string> arguments = Environment.UserName == "root" ? ["-u", "nobody"] : [];
        arguments.AddRange(["-d", Path.Combine(directory, "%H%M%S."), $"127.0.0.1:{port}", "100"]);
        var process = Process.Start(new ProcessStartInfo(Program, arguments) { RedirectStandardError = true })
            ?? throw new InvalidOperationException("smtp-sink did not start");
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"smtp-sink exited: {await process.StandardError.ReadToEndAsync()}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new SmtpSink(process, port, directory);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        process.Kill();
        throw new InvalidOperationException("smtp-sink did not listen within 5 s");
    }

    /// <summary>Each dumped message's text, one per accepted transaction.</summary>
    public IReadOnlyList<string> Dumps() => System.IO.Directory.GetFiles(Directory).Select(File.ReadAllText).ToList();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
