using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
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
        int id, DkimKeyRequest? request, TritonDbContext db, TransportDkimKeys keys, CancellationToken cancellationToken)
    {
        var result = await keys.GenerateAsync(db, id, request?.Selector, cancellationToken);
        if (result is null)
            return TypedResults.Problem(title: $"Transport {id} does not exist.", statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["field"] = "id" });
        if (result.Publication is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [result.Field!] = [result.Error!] });
        return TypedResults.Ok(result.Publication);
    }

    /// <summary>The selector for the new key; the transport's own (or "tritonYYYYMM") when omitted.</summary>
    public sealed record DkimKeyRequest(string? Selector);

    private static async Task<Results<Ok<TransportConnectionReport>, ProblemHttpResult>> TestAsync(
        int id, TritonDbContext db, TransportConnectionTester tester, CancellationToken cancellationToken)
    {
        var transport = await db.Transports.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transport is null)
            return TypedResults.Problem(title: $"Transport {id} does not exist.", statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["field"] = "id" });
        return TypedResults.Ok(await tester.TestAsync(transport, cancellationToken));
    }
}
