using Triton.Core.Triggers;

namespace Triton.Web;

/// <summary>The autotest command line: the daily trigger test on demand, for scripts and deploy checks.</summary>
public static class AutotestCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, bool email, TextWriter output)
    {
        var results = await services.GetRequiredService<TriggerAutotest>().RunAsync(email, CancellationToken.None);
        foreach (var result in results)
            await output.WriteLineAsync(result.Error is null
                ? $"ok    {result.Trigger} ({result.Event})"
                : $"FAIL  {result.Trigger} ({result.Event}): {result.Error}");
        var failures = results.Count(r => r.Error is not null);
        await output.WriteLineAsync($"{results.Count - failures} passed, {failures} failed");
        return failures > 0 ? 1 : 0;
    }
}
