using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;
using Triton.Core.Mail;

namespace Triton.Web.Api;

/// <summary>A transport as the API shows it: never the password or the DKIM key, only whether one is set.</summary>
public sealed record TransportResponse(
    int Id, string Name, string Kind, string? Host, int Port, string Security, string? Username, bool HasPassword,
    string? PickupDirectory, int MaxConnections, int MaxMessagesPerConnection, double RatePerSecond,
    int WindowMessages, int WindowSeconds, string? DkimDomain, string? DkimSelector, bool HasDkimPrivateKey,
    bool AcceptSelfSignedCertificate, bool AllowAuthWithoutTls, string? Group, DateTimeOffset UpdatedAt)
{
    public static TransportResponse From(Transport t, string? group) => new(
        t.Id, t.Name, EnumNames.Name(t.Kind), t.Host, t.Port, EnumNames.Name(t.Security), t.Username, t.ProtectedPassword is not null,
        t.PickupDirectory, t.MaxConnections, t.MaxMessagesPerConnection, t.RatePerSecond, t.WindowMessages, t.WindowSeconds,
        t.DkimDomain, t.DkimSelector, t.ProtectedDkimPrivateKey is not null, t.AcceptSelfSignedCertificate, t.AllowAuthWithoutTls, group, t.UpdatedAt);
}

public static class TransportEndpoints
{
    public static void MapTransportEndpoints(this RouteGroupBuilder api)
    {
        var transports = api.MapGroup("/transports");

        transports.MapGet("/", async (TritonDbContext db, CancellationToken ct) =>
        {
            var rows = await db.Transports.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
            var groups = await GroupNamesAsync(db, ct);
            return TypedResults.Ok(rows.Select(t => TransportResponse.From(t, NameOf(groups, t.GroupId))).ToList());
        });

        transports.MapGet("/{id:int}", async Task<Results<Ok<TransportResponse>, ProblemHttpResult>> (int id, TritonDbContext db, CancellationToken ct) =>
        {
            var transport = await db.Transports.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
            if (transport is null) return ApiResults.NotFound("transport");
            return TypedResults.Ok(TransportResponse.From(transport, await GroupNameAsync(db, transport.GroupId, ct)));
        });

        transports.MapPost("/", async (TransportInput input, TritonDbContext db, TransportPasswords passwords, TimeProvider time, CancellationToken ct) =>
        {
            var transport = new Transport { Name = "" };
            var groupId = await GroupNames.FindAsync(db, GroupScope.Transport, input.Group, ct);
            input.ApplyTo(transport, groupId, passwords, time.GetUtcNow());
            db.Transports.Add(transport);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/transports/{transport.Id}", TransportResponse.From(transport, await GroupNameAsync(db, groupId, ct)));
        }).Validated<TransportInput>();

        transports.MapPut("/{id:int}", async Task<Results<Ok<TransportResponse>, ProblemHttpResult>> (
            int id, TransportInput input, TritonDbContext db, TransportPasswords passwords, TimeProvider time, CancellationToken ct) =>
        {
            var transport = await db.Transports.FirstOrDefaultAsync(t => t.Id == id, ct);
            if (transport is null) return ApiResults.NotFound("transport");
            var groupId = await GroupNames.FindAsync(db, GroupScope.Transport, input.Group, ct);
            input.ApplyTo(transport, groupId, passwords, time.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(TransportResponse.From(transport, await GroupNameAsync(db, groupId, ct)));
        }).Validated<TransportInput>();

        transports.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, TritonDbContext db, CancellationToken ct) =>
        {
            var transport = await db.Transports.FirstOrDefaultAsync(t => t.Id == id, ct);
            if (transport is null) return ApiResults.NotFound("transport");
            var users = await db.Campaigns.Where(c => c.TransportId == id).OrderBy(c => c.Name).Select(c => c.Name).Take(5).ToListAsync(ct);
            if (users.Count > 0)
                return ApiResults.Conflict($"Campaigns use this transport: {string.Join(", ", users)}.");
            db.Transports.Remove(transport);
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        });
    }

    private static Task<Dictionary<int, string>> GroupNamesAsync(TritonDbContext db, CancellationToken ct) =>
        db.Groups.AsNoTracking().Where(g => g.Scope == GroupScope.Transport).ToDictionaryAsync(g => g.Id, g => g.Name, ct);

    private static async Task<string?> GroupNameAsync(TritonDbContext db, int? groupId, CancellationToken ct) =>
        groupId is null ? null : await db.Groups.Where(g => g.Id == groupId).Select(g => g.Name).FirstOrDefaultAsync(ct);

    private static string? NameOf(Dictionary<int, string> groups, int? id) =>
        id is int key && groups.TryGetValue(key, out var name) ? name : null;
}
