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
    public static Process Start(TestDatabase database, string data, IReadOnlyDictionary<string, string> settings)
    {
        var web = Path.Combine(AppContext.BaseDirectory, "Triton.Web.dll");
        var start = new ProcessStartInfo("dotnet", [web, "--urls", "http://127.0.0.1:0"])
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
