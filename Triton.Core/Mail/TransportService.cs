using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;
using Triton.Core.Mail.Dkim;

namespace Triton.Core.Mail;

/// <summary>A transport as saved, with its group's name (the API and the pages name groups, not ids).</summary>
public sealed record SavedTransport(Transport Transport, string? Group);

/// <summary>
/// Creating, changing, deleting and testing transports, and generating their DKIM keys: the one entry
/// point the HTTP API and the admin pages call. Who may do this (admins, admin-scoped keys) is the
/// caller's check; the service validates (TransportInputValidator), keeps the password write-only and
/// bound to its destination (TransportInputMapping), and refuses to delete a transport campaigns use.
/// </summary>
public sealed class TransportService(
    IDbContextFactory<TritonDbContext> contexts,
    IOptions<TritonOptions> triton,
    TransportPasswords passwords,
    TransportConnectionTester tester,
    TransportDkimKeys dkimKeys,
    TimeProvider time)
{
    public async Task<IReadOnlyList<SavedTransport>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Transports.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        return await WithGroupsAsync(db, rows, cancellationToken);
    }

    /// <summary>One page of transports by name, optionally of one group, for the admin's server-paged list.</summary>
    public async Task<PageOf<SavedTransport>> PageAsync(int? groupId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Transports.AsNoTracking();
        if (groupId is int id) query = query.Where(t => t.GroupId == id);
        var total = await query.LongCountAsync(cancellationToken);
        var rows = await query.OrderBy(t => t.Name).TakePage(page, pageSize, CampaignCatalog.MaxPageSize).ToListAsync(cancellationToken);
        return new PageOf<SavedTransport>(await WithGroupsAsync(db, rows, cancellationToken), total);
    }

    /// <summary>The transport groups by id and name, for the list's filter.</summary>
    public async Task<IReadOnlyList<GroupChoice>> GroupsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await GroupNames.ChoicesAsync(db, GroupScope.Transport, cancellationToken);
    }

    private static async Task<IReadOnlyList<SavedTransport>> WithGroupsAsync(TritonDbContext db, List<Transport> rows, CancellationToken cancellationToken)
    {
        var groups = await db.Groups.AsNoTracking().Where(g => g.Scope == GroupScope.Transport).ToDictionaryAsync(g => g.Id, g => g.Name, cancellationToken);
        return rows.Select(t => new SavedTransport(t, t.GroupId is int id && groups.TryGetValue(id, out var name) ? name : null)).ToList();
    }

    public async Task<SavedTransport?> FindAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var transport = await db.Transports.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return transport is null ? null : new SavedTransport(transport, await GroupNameAsync(db, transport.GroupId, cancellationToken));
    }

    /// <summary>The DNS record of the transport's stored DKIM key, when it has one.</summary>
    public DkimPublication? DkimPublicationOf(Transport transport) => dkimKeys.PublicationOf(transport);

    public async Task<ServiceResult<SavedTransport>> CreateAsync(TransportInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await ErrorsAsync(db, input, null, cancellationToken) is { } errors) return ServiceResult<SavedTransport>.Invalid(errors);
        var transport = new Transport { Name = "" };
        var groupId = await GroupNames.FindAsync(db, GroupScope.Transport, input.Group, cancellationToken);
        input.ApplyTo(transport, groupId, passwords, time.GetUtcNow());
        db.Transports.Add(transport);
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<SavedTransport>.Saved(new(transport, await GroupNameAsync(db, groupId, cancellationToken)));
    }

    public async Task<ServiceResult<SavedTransport>> UpdateAsync(int id, TransportInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var transport = await db.Transports.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transport is null) return ServiceResult<SavedTransport>.NotFound();
        if (await ErrorsAsync(db, input, id, cancellationToken) is { } errors) return ServiceResult<SavedTransport>.Invalid(errors);
        var groupId = await GroupNames.FindAsync(db, GroupScope.Transport, input.Group, cancellationToken);
        input.ApplyTo(transport, groupId, passwords, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<SavedTransport>.Saved(new(transport, await GroupNameAsync(db, groupId, cancellationToken)));
    }

    /// <summary>Deletes a transport no campaign or trigger uses; the value is the deleted id.</summary>
    public async Task<ServiceResult<int>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var transport = await db.Transports.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transport is null) return ServiceResult<int>.NotFound();
        var users = await db.Campaigns.Where(c => c.TransportId == id).OrderBy(c => c.Name).Select(c => c.Name).Take(5).ToListAsync(cancellationToken);
        if (users.Count > 0) return ServiceResult<int>.Conflict($"Campaigns use this transport: {string.Join(", ", users)}.");
        var triggers = await db.Triggers.Where(t => t.TransportId == id).OrderBy(t => t.Name).Select(t => t.Name).Take(5).ToListAsync(cancellationToken);
        if (triggers.Count > 0) return ServiceResult<int>.Conflict($"Triggers use this transport: {string.Join(", ", triggers)}.");
        db.Transports.Remove(transport);
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<int>.Saved(id);
    }

    /// <summary>Connects, starts TLS and authenticates with the saved transport, and reports what the server advertised.</summary>
    public async Task<ServiceResult<TransportConnectionReport>> TestAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var transport = await db.Transports.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transport is null) return ServiceResult<TransportConnectionReport>.NotFound();
        return ServiceResult<TransportConnectionReport>.Saved(await tester.TestAsync(transport, cancellationToken));
    }

    /// <summary>
    /// Tests values not saved yet (a form being edited): validated as a save would be, so a test cannot send
    /// the stored password where a save could not; applied to an untracked copy of the row, never saved.
    /// </summary>
    public async Task<ServiceResult<TransportConnectionReport>> TestAsync(int? id, TransportInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var transport = id is int existing
            ? await db.Transports.AsNoTracking().FirstOrDefaultAsync(t => t.Id == existing, cancellationToken)
            : new Transport { Name = "" };
        if (transport is null) return ServiceResult<TransportConnectionReport>.NotFound();
        if (await ErrorsAsync(db, input, id, cancellationToken) is { } errors) return ServiceResult<TransportConnectionReport>.Invalid(errors);
        input.ApplyTo(transport, await GroupNames.FindAsync(db, GroupScope.Transport, input.Group, cancellationToken), passwords, time.GetUtcNow());
        return ServiceResult<TransportConnectionReport>.Saved(await tester.TestAsync(transport, cancellationToken));
    }

    /// <summary>A new 2048-bit key pair for the saved transport's DKIM domain; the value is the TXT record to publish.</summary>
    public async Task<ServiceResult<DkimPublication>> GenerateDkimKeyAsync(int id, string? selector, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var result = await dkimKeys.GenerateAsync(db, id, selector, cancellationToken);
        if (result is null) return ServiceResult<DkimPublication>.NotFound();
        return result.Publication is { } publication
            ? ServiceResult<DkimPublication>.Saved(publication)
            : ServiceResult<DkimPublication>.Invalid(result.Field!, result.Error!);
    }

    private async Task<Dictionary<string, string[]>?> ErrorsAsync(TritonDbContext db, TransportInput input, int? editedId, CancellationToken cancellationToken)
    {
        var result = await new TransportInputValidator(db, triton).ValidateAsync(EditedEntity.For(input, editedId), cancellationToken);
        return result.IsValid ? null : ValidationErrors.Of(result);
    }

    private static async Task<string?> GroupNameAsync(TritonDbContext db, int? groupId, CancellationToken cancellationToken) =>
        groupId is null ? null : await db.Groups.Where(g => g.Id == groupId).Select(g => g.Name).FirstOrDefaultAsync(cancellationToken);
}
