using System.Text.Json;
using System.Text.Json.Serialization;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Triggers;

namespace Triton.Web.Api;

public sealed record MessageResponse(string MessageId, string Event, int TriggerId, string Email, string? UserId, string Status, int Attempts,
    string? LastReply, int? ReplyCode, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SentAt)
{
    public static MessageResponse From(TransactionalMessage m) => new(m.MessageId, m.EventName, m.TriggerId, m.Email, m.UserId,
        EnumNames.Name(m.Status), m.Attempts, m.LastReply, m.ReplyCode, m.CreatedAt, m.UpdatedAt, m.SentAt);
}

/// <summary>The 202 answer to an accepted event.</summary>
public sealed record EventAccepted(string MessageId, string Status);

/// <summary>The accepted event's answer serialized by generated code rather than reflection: the events intake is the API's busiest route.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EventAccepted))]
internal sealed partial class EventJson : JsonSerializerContext;

/// <summary>
/// POST /api/events/{eventName} (applications' events, with an optional Idempotency-Key) and the
/// message log under /api/messages. Keys with the send scope may post events and retry messages.
/// </summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/events/{eventName}", async (string eventName, JsonElement body, HttpRequest request, EventIntake intake, CancellationToken ct) =>
        {
            var result = await intake.PostAsync(eventName, body, request.Headers["Idempotency-Key"].FirstOrDefault(), ct);
            return result.Status switch
            {
                IntakeStatus.NoTrigger => TypedResults.Problem(title: $"No active trigger handles the event '{eventName}'.", statusCode: StatusCodes.Status404NotFound),
                IntakeStatus.Invalid => TypedResults.Problem(title: "The event does not match its contract.",
                    detail: string.Join(" ", result.Errors!.SelectMany(e => e.Value)), statusCode: StatusCodes.Status422UnprocessableEntity,
                    extensions: new Dictionary<string, object?> { ["errors"] = result.Errors }),
                _ => Results.Json(new EventAccepted(result.MessageId!, EnumNames.Name(result.MessageStatus!.Value)), EventJson.Default.EventAccepted,
                    statusCode: StatusCodes.Status202Accepted),
            };
        }).RequireApiScope(ApiScope.Send);

        var messages = api.MapGroup("/messages");
        messages.MapGet("/", async (string? email, string? @event, string? status, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize,
            MessageLog log, CancellationToken ct) =>
        {
            MessageStatus? wanted = null;
            if (!string.IsNullOrWhiteSpace(status))
            {
                if (!EnumNames.TryParse<MessageStatus>(status, out var parsed))
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"'status' must be one of: {EnumNames.List<MessageStatus>()}."] });
                wanted = parsed;
            }
            var (pageWanted, invalid) = PageRequest.Parse(page, pageSize, 50, MessageLog.MaxPageSize);
            if (invalid is not null) return invalid;
            var result = await log.QueryAsync(new MessageFilter(email, @event, wanted, from, to, pageWanted.Page, pageWanted.PageSize), ct);
            return Results.Ok(new { items = result.Items.Select(MessageResponse.From), page = result.Page, pageSize = result.PageSize, hasMore = result.HasMore });
        });
        messages.MapGet("/{messageId}", async (string messageId, MessageLog log, CancellationToken ct) =>
            await log.GetAsync(messageId, ct) is { } message ? Results.Ok(MessageResponse.From(message)) : ApiResults.NotFound("message"));
        messages.MapPost("/{messageId}/retry", async (string messageId, MessageLog log, CancellationToken ct) =>
        {
            var result = await log.RetryAsync(messageId, ct);
            return result.Status == ServiceStatus.Saved
                ? Results.Json(MessageResponse.From(result.Value!), statusCode: StatusCodes.Status202Accepted)
                : result.ToHttp("message", MessageResponse.From);
        }).RequireApiScope(ApiScope.Send);
    }
}
