using System.Text.Json;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Triggers;

namespace Triton.Web.Api;

public sealed record TriggerResponse(int Id, string Name, string Event, int TemplateId, int TransportId, IReadOnlyList<string> Subjects,
    string SubjectMode, string FromAddress, string? FromName, IReadOnlyDictionary<string, string> CustomHeaders, JsonElement CustomVariables,
    int? TrackingCategoryId, bool Active, string? Group, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static TriggerResponse From(TriggerView view)
    {
        var t = view.Trigger;
        using var variables = JsonDocument.Parse(t.CustomVariables);
        return new(t.Id, t.Name, view.Event, t.TemplateId, t.TransportId, t.Subjects, EnumNames.Name(t.SubjectMode), t.FromAddress, t.FromName,
            t.CustomHeaders, variables.RootElement.Clone(), t.TrackingCategoryId, t.Active, view.Group, t.Description, t.CreatedAt, t.UpdatedAt);
    }
}

/// <summary>/api/triggers: through <see cref="TriggerService"/>; activating a second trigger for an event answers 409.</summary>
public static class TriggerEndpoints
{
    public static void MapTriggerEndpoints(this RouteGroupBuilder api)
    {
        var triggers = api.MapGroup("/triggers");
        triggers.MapGet("/", async (TriggerService service, CancellationToken ct) =>
            TypedResults.Ok((await service.ListAsync(ct)).Select(TriggerResponse.From).ToList()));
        triggers.MapGet("/{id:int}", async (int id, TriggerService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } view ? Results.Ok(TriggerResponse.From(view)) : ApiResults.NotFound("trigger"));
        triggers.MapPost("/", async (TriggerInput input, TriggerService service, CancellationToken ct) =>
        {
            var result = await service.SaveAsync(null, input, ct);
            return result.ToHttp("trigger", TriggerResponse.From, result.Value is { } v ? $"/api/triggers/{v.Trigger.Id}" : null);
        });
        triggers.MapPut("/{id:int}", async (int id, TriggerInput input, TriggerService service, CancellationToken ct) =>
            (await service.SaveAsync(id, input, ct)).ToHttp("trigger", TriggerResponse.From));
        triggers.MapDelete("/{id:int}", async (int id, TriggerService service, CancellationToken ct) =>
        {
            var result = await service.DeleteAsync(id, ct);
            return result.Status == ServiceStatus.Saved ? Results.NoContent() : result.ToHttp("trigger", TriggerResponse.From);
        });
    }
}
