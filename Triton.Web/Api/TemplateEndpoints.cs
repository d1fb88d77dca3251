using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Templates;

namespace Triton.Web.Api;

/// <param name="TextBody">The plain-text part's template; null or blank derives the text from the HTML.</param>
public sealed record TemplateInput(string Name, string Body, string? Description, string? Group, bool? InlineCss, string? TextBody = null);

public sealed record TemplateView(int Id, string Name, string Body, string? Description, string? Group, bool InlineCss, int Version, DateTimeOffset UpdatedAt, string? TextBody);

public sealed class TemplateInputValidator : AbstractValidator<TemplateInput>
{
    public TemplateInputValidator()
    {
        RuleFor(t => t.Name).NotEmpty().MaximumLength(200)
            .Matches("^[^\\s{}>\"']+$").WithMessage("A template name has no spaces, braces, quotes or '>': other templates include it as {{> name}}.");
        RuleFor(t => t.Body).NotNull()
            .Must(body => body!.Length <= TemplateLimits.MaxBodyLength).WithMessage(t => TemplateLimits.BodyTooLong(t.Body.Length));
        RuleFor(t => t.TextBody)
            .Must(text => text!.Length <= TemplateLimits.MaxBodyLength).When(t => t.TextBody is not null)
            .WithMessage(t => TemplateLimits.BodyTooLong(t.TextBody!.Length));
        RuleFor(t => t.Description).MaximumLength(2000);
    }
}

/// <summary>/api/templates: Handlebars templates; a save that does not compile is refused with its line and column.</summary>
public static class TemplateEndpoints
{
    public static RouteGroupBuilder MapTemplateEndpoints(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/templates");
        templates.MapGet("/", ListAsync);
        templates.MapGet("/{id:int}", GetAsync);
        templates.MapPost("/", CreateAsync).Validated<TemplateInput>();
        templates.MapPut("/{id:int}", UpdateAsync).Validated<TemplateInput>();
        templates.MapDelete("/{id:int}", DeleteAsync);
        return api;
    }

    private static IQueryable<TemplateView> Views(IQueryable<Template> templates) =>
        templates.Select(t => new TemplateView(t.Id, t.Name, t.Body, t.Description, t.Group == null ? null : t.Group.Name, t.InlineCss, t.Version, t.UpdatedAt, t.TextBody));

    private static async Task<Ok<List<TemplateView>>> ListAsync(TritonDbContext db, string? group, CancellationToken cancellationToken)
    {
        var query = db.Templates.AsNoTracking();
        if (!string.IsNullOrEmpty(group)) query = query.Where(t => t.Group != null && t.Group.Name == group);
        return TypedResults.Ok(await Views(query.OrderBy(t => t.Name)).ToListAsync(cancellationToken));
    }

    private static async Task<Results<Ok<TemplateView>, NotFound>> GetAsync(int id, TritonDbContext db, CancellationToken cancellationToken) =>
        await Views(db.Templates.AsNoTracking().Where(t => t.Id == id)).FirstOrDefaultAsync(cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.NotFound();

    private static async Task<IResult> CreateAsync(TemplateInput input, TritonDbContext db, TemplateChecker checker, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await db.Templates.AnyAsync(t => t.Name == input.Name, cancellationToken))
            return TypedResults.Problem(title: $"A template named '{input.Name}' already exists.", statusCode: StatusCodes.Status409Conflict);
        var (groupId, problem) = await GroupReferences.ResolveAsync(db, input.Group, GroupScope.Template, cancellationToken);
        if (problem is not null) return problem;
        if (await CheckAsync(input, db, checker, cancellationToken) is { } invalid) return invalid;
        var template = new Template
        {
            Name = input.Name, Body = input.Body, TextBody = TextBodyOf(input), Description = input.Description, GroupId = groupId,
            InlineCss = input.InlineCss ?? true, Version = 1, UpdatedAt = time.GetUtcNow(),
        };
        db.Templates.Add(template);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/templates/{template.Id}",
            await Views(db.Templates.AsNoTracking().Where(t => t.Id == template.Id)).FirstAsync(cancellationToken));
    }

    private static async Task<IResult> UpdateAsync(int id, TemplateInput input, TritonDbContext db, TemplateChecker checker, TimeProvider time, CancellationToken cancellationToken)
    {
        var template = await db.Templates.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null) return TypedResults.NotFound();
        if (await db.Templates.AnyAsync(t => t.Name == input.Name && t.Id != id, cancellationToken))
            return TypedResults.Problem(title: $"A template named '{input.Name}' already exists.", statusCode: StatusCodes.Status409Conflict);
        if (input.Name != template.Name && await TemplateChecker.IncludedByAsync(db, template.Name, id, cancellationToken) is { Count: > 0 } users)
            return TypedResults.Problem(title: "Other templates include this one by name; it cannot be renamed.",
                detail: string.Join(", ", users), statusCode: StatusCodes.Status409Conflict);
        var (groupId, problem) = await GroupReferences.ResolveAsync(db, input.Group, GroupScope.Template, cancellationToken);
        if (problem is not null) return problem;
        if (await CheckAsync(input, db, checker, cancellationToken) is { } invalid) return invalid;
        template.Name = input.Name;
        template.Body = input.Body;
        template.TextBody = TextBodyOf(input);
        template.Description = input.Description;
        template.GroupId = groupId;
        template.InlineCss = input.InlineCss ?? template.InlineCss;
        template.Version++;
        template.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await Views(db.Templates.AsNoTracking().Where(t => t.Id == id)).FirstAsync(cancellationToken));
    }

    private static async Task<IResult> DeleteAsync(int id, TritonDbContext db, CancellationToken cancellationToken)
    {
        var template = await db.Templates.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null) return TypedResults.NotFound();
        var campaigns = await db.Campaigns.Where(c => c.TemplateId == id).Select(c => c.Name).ToListAsync(cancellationToken);
        if (campaigns.Count > 0)
            return TypedResults.Problem(title: "The template is used by campaigns.", detail: string.Join(", ", campaigns), statusCode: StatusCodes.Status409Conflict);
        if (await TemplateChecker.IncludedByAsync(db, template.Name, id, cancellationToken) is { Count: > 0 } users)
            return TypedResults.Problem(title: "Other templates include this one as a partial.", detail: string.Join(", ", users), statusCode: StatusCodes.Status409Conflict);
        db.Templates.Remove(template);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static string? TextBodyOf(TemplateInput input) => string.IsNullOrWhiteSpace(input.TextBody) ? null : input.TextBody;

    /// <summary>The markup (and text body) compiles, every partial it reaches exists, and no partial includes itself.</summary>
    private static async Task<IResult?> CheckAsync(TemplateInput input, TritonDbContext db, TemplateChecker checker, CancellationToken cancellationToken)
    {
        if ((await checker.CheckAsync(db, input.Name, input.Body, input.InlineCss ?? true, cancellationToken)).Error is { } error)
            return CompileProblem(error);
        if (TextBodyOf(input) is { } text && (await checker.CheckTextAsync(db, input.Name, input.Body, text, cancellationToken)).Error is { } textError)
            return CompileProblem(textError, "textBody");
        return null;
    }

    public static IResult CompileProblem(TemplateCompileException error, string field = "body") =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [$"Line {error.Line}, column {error.Column}: {error.Message}"] },
            extensions: new Dictionary<string, object?> { ["line"] = error.Line, ["column"] = error.Column });
}
