using System.Diagnostics;
using Triton.Core.Domain;
using Triton.Tests.Sending;

namespace Triton.Tests.Infrastructure;

/// <summary>
/// The real Triton.Web process (the build output the tests ship with) on a test database and data
/// directory, with settings as environment variables, as an operator would run it.
/// </summary>
public static class TritonProcess
{
    /// <param name="port">The HTTP port to listen on (see <see cref="FreePort"/>); 0 lets the system pick one nobody learns.</param>
    public static Process Start(TestDatabase database, string data, IReadOnlyDictionary<string, string> settings, int port = 0)
    {
        var web = Path.Combine(AppContext.BaseDirectory, "Triton.Web.dll");
        var start = new ProcessStartInfo("dotnet", [web, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        };
        start.Environment["Triton__DataDirectory"] = data;
        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["ConnectionStrings__Triton"] = database.ConnectionString;
        start.Environment["Sending__PollMilliseconds"] = "100";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Triton did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A TCP port free right now on 127.0.0.1, for a process to listen on.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls /health/ready until it answers 200; fails if the process exits first.</summary>
    public static async Task WaitReadyAsync(Process process, int port, int seconds = 150)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"Triton on port {port} exited with code {process.ExitCode}.");
            try
            {
                if ((await client.GetAsync($"http://127.0.0.1:{port}/health/ready")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Triton on port {port} was not ready after {seconds} s.");
            await Task.Delay(200);
        }
    }

    /// <summary>Polls the database until the campaign meets the condition; fails if the process exits first.</summary>
    public static async Task<Campaign> WaitAsync(TestDatabase database, int id, Func<Campaign, bool> condition, Process process, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var campaign = await EngineScenario.CampaignAsync(database, id);
            if (condition(campaign)) return campaign;
            if (process.HasExited) throw new InvalidOperationException($"Triton exited with code {process.ExitCode}.");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Campaign is {campaign.State} ({campaign.StateReason}) with sent {campaign.Progress.Sent} of {campaign.Progress.Plan}.");
            await Task.Delay(20);
        }
    }

    /// <summary>How many .eml files each recipient got in a pickup folder.</summary>
    public static Dictionary<string, int> Received(string pickup) =>
        Directory.EnumerateFiles(pickup, "*.eml")
            .Select(f => File.ReadLines(f).First(l => l.StartsWith("To:", StringComparison.Ordinal))[3..].Trim().Trim('<', '>'))
            .GroupBy(to => to).ToDictionary(g => g.Key, g => g.Count());
}
