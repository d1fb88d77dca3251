using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core;
using Triton.Core.Mail;
using Triton.Core.Mail.Dkim;

namespace Triton.Web.Api;

public static class TransportConnectionTestEndpoints
{
    /// <summary>POST /api/transports/{id}/test-connection: connect, STARTTLS, authenticate and report.</summary>
    public static RouteGroupBuilder MapTransportConnectionTest(this RouteGroupBuilder api)
    {
        api.MapPost("/transports/{id:int}/test-connection", TestAsync);
        api.MapPost("/transports/{id:int}/dkim-key", GenerateDkimKeyAsync).RequireApiScope(Triton.Core.Domain.ApiScope.Admin);
        return api;
    }

    /// <summary>POST /api/transports/{id}/dkim-key: a new 2048-bit key pair; answers the TXT record to publish.</summary>
    private static async Task<Results<Ok<DkimPublication>, ValidationProblem, ProblemHttpResult>> GenerateDkimKeyAsync(
        int id, DkimKeyRequest? request, TransportService service, CancellationToken cancellationToken)
    {
        var result = await service.GenerateDkimKeyAsync(id, request?.Selector, cancellationToken);
        return result.Status switch
        {
            ServiceStatus.Saved => TypedResults.Ok(result.Value!),
            ServiceStatus.Invalid => TypedResults.ValidationProblem(result.Errors!),
            _ => Missing(id),
        };
    }

    /// <summary>The selector for the new key; the transport's own (or "tritonYYYYMM") when omitted.</summary>
    public sealed record DkimKeyRequest(string? Selector);

    private static async Task<Results<Ok<TransportConnectionReport>, ProblemHttpResult>> TestAsync(
        int id, TransportService service, CancellationToken cancellationToken)
    {
        var result = await service.TestAsync(id, cancellationToken);
        return result.Status == ServiceStatus.Saved ? TypedResults.Ok(result.Value!) : Missing(id);
    }

    private static ProblemHttpResult Missing(int id) =>
        TypedResults.Problem(title: $"Transport {id} does not exist.", statusCode: StatusCodes.Status404NotFound,
            extensions: new Dictionary<string, object?> { ["field"] = "id" });
}
