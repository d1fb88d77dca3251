using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Triton.Core.Data;

namespace Triton.Core.Triggers;

/// <summary>One trigger's test: null error when it rendered.</summary>
public sealed record AutotestResult(int TriggerId, string Trigger, string Event, string? Error);

/// <summary>Tells the admins something went wrong (the host knows who they are and how to reach them).</summary>
public interface IAdminNotifier
{
    /// <summary>False when nobody could be told (no admin with an address, no transport to send with).</summary>
    Task<bool> NotifyAsync(string subject, string text, CancellationToken cancellationToken);
}

/// <summary>
/// Renders every active trigger with its contract's test values, records each one's last result on
/// the trigger, and emails the admins the failures. Run daily by Quartz and on demand
/// (`dotnet Triton.Web.dll autotest [--no-email]`).
/// </summary>
public sealed class TriggerAutotest(
    IDbContextFactory<TritonDbContext> contexts,
    TriggerTester tester,
    TimeProvider time,
    ILogger<TriggerAutotest> logger,
    IAdminNotifier? notifier = null)
{
    public async Task<List<AutotestResult>> RunAsync(bool email, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var triggers = await db.Triggers.Where(t => t.Active).OrderBy(t => t.Name).ToListAsync(cancellationToken);
        var events = await db.EventContracts.ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var results = new List<AutotestResult>();
        foreach (var trigger in triggers)
            results.Add(await TestAsync(trigger, events.GetValueOrDefault(trigger.ContractId, "?"), cancellationToken));
        await db.SaveChangesAsync(cancellationToken);

        var failures = results.Where(r => r.Error is not null).ToList();
        logger.LogInformation("Trigger test: {Passed} of {Count} active triggers render with their test values", results.Count - failures.Count, results.Count);
        if (email && failures.Count > 0)
        {
            var text = "These active triggers fail to render with their contracts' test values:\n\n"
                + string.Join("\n", failures.Select(f => $"- {f.Trigger} ({f.Event}): {f.Error}"));
            if (notifier is null || !await notifier.NotifyAsync($"Triton: {failures.Count} trigger(s) fail their test", text, cancellationToken))
                logger.LogWarning("Trigger test failures could not be emailed to the admins:\n{Failures}", text);
        }
        return results;
    }

    /// <summary>Tests one trigger now (active or not), as the daily run would, and records its result; null when it does not exist.</summary>
    public async Task<AutotestResult?> RunOneAsync(int triggerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var trigger = await db.Triggers.FirstOrDefaultAsync(t => t.Id == triggerId, cancellationToken);
        if (trigger is null) return null;
        var eventName = await db.EventContracts.Where(c => c.Id == trigger.ContractId).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken);
        var result = await TestAsync(trigger, eventName ?? "?", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    /// <summary>Renders the trigger with its contract's test values and records the outcome on the (tracked) row.</summary>
    private async Task<AutotestResult> TestAsync(Domain.Trigger trigger, string eventName, CancellationToken cancellationToken)
    {
        string? error;
        try
        {
            var rendered = await tester.RenderAsync(trigger.Id, null, null, cancellationToken);
            error = rendered.Value?.Error;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            error = exception.Message;
        }
        trigger.LastTestAt = time.GetUtcNow();
        trigger.LastTestError = error;
        return new AutotestResult(trigger.Id, trigger.Name, eventName, error);
    }
}
