using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Mail;

namespace Triton.Web.Api;

public static class TransportConnectionTestEndpoints
{
    /// <summary>POST /api/transports/{id}/test-connection: connect, STARTTLS, authenticate and report.</summary>
    public static RouteGroupBuilder MapTransportConnectionTest(this RouteGroupBuilder api)
    {
        api.MapPost("/transports/{id:int}/test-connection", TestAsync);
        return api;
    }

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
