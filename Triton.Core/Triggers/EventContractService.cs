using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Triggers;

/// <summary>The one entry point for event contracts: list, read, create, update, delete.</summary>
public sealed class EventContractService(IDbContextFactory<TritonDbContext> contexts, IValidator<ContractInput> validator, EventRoutes routes, TimeProvider time)
{
    public async Task<List<EventContract>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.EventContracts.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
    }

    /// <summary>One page of contracts by name, for the admin's server-paged list.</summary>
    public async Task<PageOf<EventContract>> PageAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var total = await db.EventContracts.LongCountAsync(cancellationToken);
        var rows = await db.EventContracts.AsNoTracking().OrderBy(c => c.Name).TakePage(page, pageSize, CampaignCatalog.MaxPageSize).ToListAsync(cancellationToken);
        return new PageOf<EventContract>(rows, total);
    }

    public async Task<EventContract?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.EventContracts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
    }

    public async Task<EventContract?> FindByEventAsync(string eventName, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.EventContracts.AsNoTracking().FirstOrDefaultAsync(c => c.Name == eventName, cancellationToken);
    }

    public async Task<ServiceResult<EventContract>> SaveAsync(int? id, ContractInput input, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(EditedEntity.For(input, id), cancellationToken);
        if (!validation.IsValid) return ServiceResult<EventContract>.Invalid(ValidationErrors.Of(validation));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        EventContract contract;
        if (id is { } existing)
        {
            var found = await db.EventContracts.FirstOrDefaultAsync(c => c.Id == existing, cancellationToken);
            if (found is null) return ServiceResult<EventContract>.NotFound();
            contract = found;
            if (contract.Name != input.Name!.Trim() && await db.Triggers.AnyAsync(t => t.ContractId == existing, cancellationToken))
                return ServiceResult<EventContract>.Conflict("Triggers handle this event: its name cannot change while they exist.");
        }
        else
        {
            contract = new EventContract { Name = "", CreatedAt = now };
            db.EventContracts.Add(contract);
        }
        contract.Name = input.Name!.Trim();
        contract.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        contract.Strict = input.Strict ?? false;
        contract.Variables = (input.Variables ?? []).Select(v => new ContractVariable
        {
            Name = v.Name!.Trim(),
            TestValue = v.TestValue is { ValueKind: not JsonValueKind.Undefined } value ? value.GetRawText() : "null",
            Description = string.IsNullOrWhiteSpace(v.Description) ? null : v.Description.Trim(),
            Required = v.Required ?? true,
        }).ToList();
        contract.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        routes.Forget();
        return ServiceResult<EventContract>.Saved(contract);
    }

    public async Task<ServiceResult<EventContract>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var contract = await db.EventContracts.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (contract is null) return ServiceResult<EventContract>.NotFound();
        if (await db.Triggers.AnyAsync(t => t.ContractId == id, cancellationToken))
            return ServiceResult<EventContract>.Conflict("Triggers handle this event; delete them first.");
        db.EventContracts.Remove(contract);
        await db.SaveChangesAsync(cancellationToken);
        routes.Forget();
        return ServiceResult<EventContract>.Saved(contract);
    }
}
