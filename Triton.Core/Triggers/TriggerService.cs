using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Core.Triggers;

/// <summary>A trigger with the name of the event it handles.</summary>
public sealed record TriggerView(Trigger Trigger, string Event, string? Group);

/// <summary>What a trigger's editor offers to choose from.</summary>
public sealed record TriggerChoices(IReadOnlyList<string> Events, IReadOnlyList<GroupChoice> Templates, IReadOnlyList<GroupChoice> Transports,
    IReadOnlyList<GroupChoice> TrackingCategories, IReadOnlyList<string> Groups);

/// <summary>The one entry point for triggers: list, read, create, update, delete; one active trigger per event.</summary>
public sealed class TriggerService(IDbContextFactory<TritonDbContext> contexts, IValidator<TriggerInput> validator, EventRoutes routes, TimeProvider time)
{
    public async Task<List<TriggerView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ViewsAsync(db, await db.Triggers.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken), cancellationToken);
    }

    /// <summary>One page of triggers by name, optionally of one group, for the admin's server-paged list.</summary>
    public async Task<PageOf<TriggerView>> PageAsync(int? groupId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Triggers.AsNoTracking();
        if (groupId is int id) query = query.Where(t => t.GroupId == id);
        var total = await query.LongCountAsync(cancellationToken);
        var rows = await query.OrderBy(t => t.Name).TakePage(page, pageSize, CampaignCatalog.MaxPageSize).ToListAsync(cancellationToken);
        return new PageOf<TriggerView>(await ViewsAsync(db, rows, cancellationToken), total);
    }

    /// <summary>The trigger groups by id and name, for the list's filter.</summary>
    public async Task<IReadOnlyList<GroupChoice>> GroupsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await GroupNames.ChoicesAsync(db, GroupScope.Trigger, cancellationToken);
    }

    /// <summary>The events, templates, transports, tracking categories and trigger groups an editor picks from, by name.</summary>
    public async Task<TriggerChoices> ChoicesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = await db.EventContracts.AsNoTracking().OrderBy(c => c.Name).Select(c => c.Name).ToListAsync(cancellationToken);
        var templates = await db.Templates.AsNoTracking().OrderBy(t => t.Name).Select(t => new GroupChoice(t.Id, t.Name)).ToListAsync(cancellationToken);
        var transports = await db.Transports.AsNoTracking().OrderBy(t => t.Name).Select(t => new GroupChoice(t.Id, t.Name)).ToListAsync(cancellationToken);
        var categories = await db.TrackingCategories.AsNoTracking().OrderBy(t => t.Name).Select(t => new GroupChoice(t.Id, t.Name)).ToListAsync(cancellationToken);
        var groups = (await GroupNames.ChoicesAsync(db, GroupScope.Trigger, cancellationToken)).Select(g => g.Name).ToList();
        return new TriggerChoices(events, templates, transports, categories, groups);
    }

    public async Task<TriggerView?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var trigger = await db.Triggers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return trigger is null ? null : (await ViewsAsync(db, [trigger], cancellationToken))[0];
    }

    /// <summary>Triggers with their event and group names (two small look-ups, not a join per row).</summary>
    private static async Task<List<TriggerView>> ViewsAsync(TritonDbContext db, List<Trigger> triggers, CancellationToken cancellationToken)
    {
        var contractIds = triggers.Select(t => t.ContractId).Distinct().ToList();
        var groupIds = triggers.Where(t => t.GroupId is not null).Select(t => t.GroupId!.Value).Distinct().ToList();
        var events = await db.EventContracts.Where(c => contractIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var groups = await db.Groups.Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, cancellationToken);
        return triggers.Select(t => new TriggerView(t, events[t.ContractId], t.GroupId is { } g ? groups.GetValueOrDefault(g) : null)).ToList();
    }

    public async Task<ServiceResult<TriggerView>> SaveAsync(int? id, TriggerInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var validation = await validator.ValidateAsync(EditedEntity.For(input, id), cancellationToken);
        if (!validation.IsValid) return ServiceResult<TriggerView>.Invalid(ValidationErrors.Of(validation));
        var now = time.GetUtcNow();
        Trigger trigger;
        if (id is { } existing)
        {
            var found = await db.Triggers.FirstOrDefaultAsync(t => t.Id == existing, cancellationToken);
            if (found is null) return ServiceResult<TriggerView>.NotFound();
            trigger = found;
        }
        else
        {
            trigger = new Trigger { Name = "", FromAddress = "", CreatedAt = now };
            db.Triggers.Add(trigger);
        }
        var eventName = input.Event!.Trim();
        var contractId = await db.EventContracts.Where(c => c.Name == eventName).Select(c => c.Id).FirstAsync(cancellationToken);
        var active = input.Active ?? false;
        if (active && await db.Triggers.AnyAsync(t => t.ActiveContractId == contractId && t.Id != trigger.Id, cancellationToken))
            return ServiceResult<TriggerView>.Conflict($"Another active trigger handles '{eventName}'; deactivate it first.");

        trigger.Name = input.Name!.Trim();
        trigger.ContractId = contractId;
        trigger.TemplateId = input.TemplateId!.Value;
        trigger.TransportId = input.TransportId!.Value;
        trigger.TrackingCategoryId = input.TrackingCategoryId;
        // Omitted keeps what the trigger had (on for a new one).
        trigger.TrackingEnabled = input.Tracking ?? trigger.TrackingEnabled;
        trigger.Subjects = [.. input.Subjects!];
        trigger.SubjectMode = EnumNames.TryParse<SubjectMode>(input.SubjectMode, out var mode) ? mode : SubjectMode.Static;
        trigger.FromAddress = input.FromAddress!.Trim();
        trigger.FromName = string.IsNullOrWhiteSpace(input.FromName) ? null : input.FromName.Trim();
        trigger.CustomHeaders = input.CustomHeaders is null ? [] : new Dictionary<string, string>(input.CustomHeaders);
        trigger.CustomVariables = input.CustomVariables is { ValueKind: JsonValueKind.Object } variables ? variables.GetRawText() : "{}";
        trigger.GroupId = await GroupNames.FindAsync(db, GroupScope.Trigger, input.Group, cancellationToken);
        trigger.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description;
        trigger.Active = active;
        trigger.HonorSuppressions = input.HonorSuppressions ?? false;
        trigger.ActiveContractId = active ? contractId : null;
        trigger.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (active)
        {
            // Two activations raced and the unique index let one through; anything else is not ours to answer.
            if (await NoOtherActiveAsync(contractId, trigger.Id, cancellationToken)) throw;
            return ServiceResult<TriggerView>.Conflict($"Another active trigger handles '{eventName}'; deactivate it first.");
        }
        routes.Forget();
        return ServiceResult<TriggerView>.Saved(new TriggerView(trigger, eventName, input.Group?.Trim() is { Length: > 0 } g ? g : null));
    }

    private async Task<bool> NoOtherActiveAsync(int contractId, int triggerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return !await db.Triggers.AnyAsync(t => t.ActiveContractId == contractId && t.Id != triggerId, cancellationToken);
    }

    public async Task<ServiceResult<TriggerView>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var trigger = await db.Triggers.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (trigger is null) return ServiceResult<TriggerView>.NotFound();
        if (await db.Messages.AnyAsync(m => m.TriggerId == id, cancellationToken))
            return ServiceResult<TriggerView>.Conflict("The message log holds messages of this trigger; deactivate it instead.");
        db.Triggers.Remove(trigger);
        await db.SaveChangesAsync(cancellationToken);
        routes.Forget();
        return ServiceResult<TriggerView>.Saved(new TriggerView(trigger, "", null));
    }
}
