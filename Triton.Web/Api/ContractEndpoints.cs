using System.Text.Json;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Triggers;

namespace Triton.Web.Api;

public sealed record ContractVariableResponse(string Name, JsonElement TestValue, string? Description, bool Required);

public sealed record ContractResponse(int Id, string Name, string? Description, bool Strict, IReadOnlyList<ContractVariableResponse> Variables,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ContractResponse From(EventContract c) => new(c.Id, c.Name, c.Description, c.Strict,
        c.Variables.Select(v => new ContractVariableResponse(v.Name, JsonDocument.Parse(v.TestValue).RootElement.Clone(), v.Description, v.Required)).ToList(),
        c.CreatedAt, c.UpdatedAt);
}

/// <summary>/api/contracts: event contracts, through <see cref="EventContractService"/>.</summary>
public static class ContractEndpoints
{
    public static void MapContractEndpoints(this RouteGroupBuilder api)
    {
        var contracts = api.MapGroup("/contracts");
        contracts.MapGet("/", async (EventContractService service, CancellationToken ct) =>
            TypedResults.Ok((await service.ListAsync(ct)).Select(ContractResponse.From).ToList()));
        contracts.MapGet("/{id:int}", async (int id, EventContractService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } contract ? Results.Ok(ContractResponse.From(contract)) : ApiResults.NotFound("contract"));
        contracts.MapPost("/", async (ContractInput input, EventContractService service, CancellationToken ct) =>
        {
            var result = await service.SaveAsync(null, input, ct);
            return result.ToHttp("contract", ContractResponse.From, result.Value is { } c ? $"/api/contracts/{c.Id}" : null);
        });
        contracts.MapPut("/{id:int}", async (int id, ContractInput input, EventContractService service, CancellationToken ct) =>
            (await service.SaveAsync(id, input, ct)).ToHttp("contract", ContractResponse.From));
        contracts.MapDelete("/{id:int}", async (int id, EventContractService service, CancellationToken ct) =>
        {
            var result = await service.DeleteAsync(id, ct);
            return result.Status == ServiceStatus.Saved ? Results.NoContent() : result.ToHttp("contract", ContractResponse.From);
        });
    }
}
