using System.Text.Json;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Triggers;

namespace Triton.Web.Api;

public sealed record TriggerTestInput(string? Email, JsonElement? Variables);

public sealed record TriggerResponse(int Id, string Name, string Event, int TemplateId, int TransportId, IReadOnlyList<string> Subjects,
    string SubjectMode, string FromAddress, string? FromName, IReadOnlyDictionary<string, string> CustomHeaders, JsonElement CustomVariables,
    int? TrackingCategoryId, bool Tracking, bool Active, string? Group, string? Description, DateTimeOffset? LastTestAt, string? LastTestError,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool HonorSuppressions)
{
    public static TriggerResponse From(TriggerView view)
    {
        var t = view.Trigger;
        using var variables = JsonDocument.Parse(t.CustomVariables);
        return new(t.Id, t.Name, view.Event, t.TemplateId, t.TransportId, t.Subjects, EnumNames.Name(t.SubjectMode), t.FromAddress, t.FromName,
            t.CustomHeaders, variables.RootElement.Clone(), t.TrackingCategoryId, t.TrackingEnabled, t.Active, view.Group, t.Description, t.LastTestAt, t.LastTestError,
            t.CreatedAt, t.UpdatedAt, t.HonorSuppressions);
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
        triggers.MapPost("/{id:int}/preview", async (int id, TriggerTestInput input, TriggerTester tester, CancellationToken ct) =>
        {
            var result = await tester.RenderAsync(id, input.Email, input.Variables, ct);
            if (result.Status != ServiceStatus.Saved) return result.ToHttp("trigger", r => r);
            return result.Value!.Message is { } m
                ? Results.Ok(new { subject = m.Subject, html = m.Html ?? "", text = Triton.Core.Mail.Mime.MimeMessageBuilder.TextOf(m) })
                : TypedResults.Problem(title: "The template failed to render.", detail: result.Value.Error, statusCode: StatusCodes.Status422UnprocessableEntity);
        }).RequireApiScope(ApiScope.Send);
        triggers.MapPost("/{id:int}/test", async (int id, TriggerTestInput input, TriggerTester tester, CancellationToken ct) =>
        {
            var result = await tester.SendAsync(id, input.Email, input.Variables, ct);
            if (result.Status != ServiceStatus.Saved) return result.ToHttp("trigger", r => r.Rendering);
            var (rendering, sent) = result.Value;
            if (sent is not { } s)
                return TypedResults.Problem(title: "The template failed to render.", detail: rendering.Error, statusCode: StatusCodes.Status422UnprocessableEntity);
            return s.Outcome == Triton.Core.Mail.SendOutcome.Accepted
                ? Results.Ok(new { outcome = EnumNames.Name(s.Outcome), reply = s.Reply })
                : TypedResults.Problem(title: $"The test message was not accepted ({s.Outcome}).", detail: s.Reply, statusCode: StatusCodes.Status502BadGateway);
        }).RequireApiScope(ApiScope.Send);
        triggers.MapDelete("/{id:int}", async (int id, TriggerService service, CancellationToken ct) =>
        {
            var result = await service.DeleteAsync(id, ct);
            return result.Status == ServiceStatus.Saved ? Results.NoContent() : result.ToHttp("trigger", TriggerResponse.From);
        });
    }
}
