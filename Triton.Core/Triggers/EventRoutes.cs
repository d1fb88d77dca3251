using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Triggers;

/// <summary>The contract of an event name and the active trigger that handles it.</summary>
public sealed record EventRoute(EventContract Contract, Trigger Trigger);

/// <summary>
/// Finds an event's contract and active trigger for the events intake, read from the database at
/// most once per <see cref="TriggerOptions.LookupCacheSeconds"/> per event name rather than on every
/// event. Saving a contract or trigger on this instance applies at once (the services call
/// <see cref="Forget"/>); another instance's change applies within that time.
/// </summary>
public sealed class EventRoutes(IDbContextFactory<TritonDbContext> contexts, TimeProvider time, IOptions<TriggerOptions> options)
{
    // Compiled once per instance: a compiled query serves one model only.
    private readonly Func<TritonDbContext, string, CancellationToken, Task<EventContract?>> _contractByName =
        EF.CompileAsyncQuery((TritonDbContext db, string name, CancellationToken _) =>
            db.EventContracts.AsNoTracking().FirstOrDefault(c => c.Name == name));

    private readonly Func<TritonDbContext, int, CancellationToken, Task<Trigger?>> _activeTrigger =
        EF.CompileAsyncQuery((TritonDbContext db, int contractId, CancellationToken _) =>
            db.Triggers.AsNoTracking().FirstOrDefault(t => t.ActiveContractId == contractId));

    private readonly RecentReads<string, EventRoute?> _routes = new(TimeSpan.FromSeconds(Math.Max(0, options.Value.LookupCacheSeconds)), time);

    /// <summary>The route of the event, or null when no contract or no active trigger handles it.</summary>
    public Task<EventRoute?> FindAsync(string eventName, CancellationToken cancellationToken) =>
        _routes.GetAsync(eventName, ReadAsync, cancellationToken);

    /// <summary>A contract or trigger was saved or deleted here: read again.</summary>
    public void Forget() => _routes.Forget();

    private async Task<EventRoute?> ReadAsync(string eventName, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var contract = await _contractByName(db, eventName, cancellationToken);
        var trigger = contract is null ? null : await _activeTrigger(db, contract.Id, cancellationToken);
        return contract is null || trigger is null ? null : new EventRoute(contract, trigger);
    }
}
