using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core;
using Triton.Core.Domain;
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

/// <summary>Transports as a resource; every read and change through <see cref="TransportService"/> (writes need the admin scope).</summary>
public static class TransportEndpoints
{
    public static void MapTransportEndpoints(this RouteGroupBuilder api)
    {
        var transports = api.MapGroup("/transports");

        transports.MapGet("/", async (TransportService service, CancellationToken ct) =>
            TypedResults.Ok((await service.ListAsync(ct)).Select(View).ToList()));

        transports.MapGet("/{id:int}", async Task<Results<Ok<TransportResponse>, ProblemHttpResult>> (int id, TransportService service, CancellationToken ct) =>
            await service.FindAsync(id, ct) is { } saved ? TypedResults.Ok(View(saved)) : ApiResults.NotFound("transport"));

        transports.MapPost("/", async (TransportInput? input, TransportService service, CancellationToken ct) =>
        {
            if (input is null) return ValidationFilter.BodyRequired();
            var result = await service.CreateAsync(input, ct);
            return result.ToHttp("transport", View, result.Value is { } saved ? $"/api/transports/{saved.Transport.Id}" : null);
        });

        transports.MapPut("/{id:int}", async (int id, TransportInput? input, TransportService service, CancellationToken ct) =>
            input is null ? ValidationFilter.BodyRequired() : (await service.UpdateAsync(id, input, ct)).ToHttp("transport", View));

        transports.MapDelete("/{id:int}", async (int id, TransportService service, CancellationToken ct) =>
        {
            var result = await service.DeleteAsync(id, ct);
            return result.Status == ServiceStatus.Saved ? Results.NoContent() : result.ToHttp("transport", i => i);
        });
    }

    private static TransportResponse View(SavedTransport saved) => TransportResponse.From(saved.Transport, saved.Group);
}
