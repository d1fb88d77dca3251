using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core;
using Triton.Core.Templates;

namespace Triton.Web.Api;

/// <summary>/api/templates: Handlebars templates over <see cref="TemplateService"/>; a save that does not compile is refused with its line and column.</summary>
public static class TemplateEndpoints
{
    public static RouteGroupBuilder MapTemplateEndpoints(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/templates");
        templates.MapGet("/", async (TemplateService service, string? group, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(group, ct)));
        templates.MapGet("/{id:int}", GetAsync);
        templates.MapPost("/", async (TemplateInput input, TemplateService service, CancellationToken ct) =>
            Answer(await service.CreateAsync(input, ct), created: true)).Validated<TemplateInput>();
        templates.MapPut("/{id:int}", async (int id, TemplateInput input, TemplateService service, CancellationToken ct) =>
            Answer(await service.UpdateAsync(id, input, ct), created: false)).Validated<TemplateInput>();
        templates.MapDelete("/{id:int}", async (int id, TemplateService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) is var result && result.Status == ServiceStatus.Saved ? TypedResults.NoContent() : result.ToHttp("template", v => v));
        return api;
    }

    private static async Task<Results<Ok<TemplateView>, NotFound>> GetAsync(int id, TemplateService service, CancellationToken cancellationToken) =>
        await service.GetAsync(id, cancellationToken) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    /// <summary>A compile error also carries its line and column as problem extensions, for editors that mark it.</summary>
    private static IResult Answer<T>(ServiceResult<T> result, bool created)
    {
        if (result.Status == ServiceStatus.Invalid && result.Errors is { } errors
            && (errors.GetValueOrDefault("body") ?? errors.GetValueOrDefault("textBody")) is [var message, ..]
            && CompileErrorText.TryParse(message, out var line, out var column))
            return TypedResults.ValidationProblem(errors, extensions: new Dictionary<string, object?> { ["line"] = line, ["column"] = column });
        return result.ToHttp("template", v => v, created && result.Value is TemplateView view ? $"/api/templates/{view.Id}" : null);
    }
}
