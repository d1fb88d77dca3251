using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Core.Templates;

/// <summary>
/// The one entry point for templates, called by the API and the admin pages alike: list, read,
/// create, update (a save that does not compile is refused with its line and column), delete (not
/// while a campaign, trigger or other template uses it) and the editor's preview. Each call opens its
/// own short-lived context, so a long-lived interactive page never holds one.
/// </summary>
public sealed class TemplateService(
    IDbContextFactory<TritonDbContext> contexts, IValidator<TemplateInput> validator, TemplateChecker checker, TimeProvider time)
{
    public const int MaxPageSize = 500;

    /// <summary>An unsaved template has no name yet; any name no partial can reach back to will do.</summary>
    private const string UnsavedName = "\u0000unsaved";

    private static IQueryable<TemplateView> Views(IQueryable<Template> templates) =>
        templates.Select(t => new TemplateView(t.Id, t.Name, t.Body, t.Description, t.Group == null ? null : t.Group.Name, t.InlineCss, t.Version, t.UpdatedAt, t.TextBody));

    /// <summary>Every template, by name, optionally of one group (by name).</summary>
    public async Task<List<TemplateView>> ListAsync(string? group, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Templates.AsNoTracking();
        if (!string.IsNullOrEmpty(group)) query = query.Where(t => t.Group != null && t.Group.Name == group);
        return await Views(query.OrderBy(t => t.Name)).ToListAsync(cancellationToken);
    }

    /// <summary>One page (0-based) of templates by name, optionally of one group (by id).</summary>
    public async Task<PageOf<TemplateView>> PageAsync(int? groupId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Templates.AsNoTracking();
        if (groupId is int id) query = query.Where(t => t.GroupId == id);
        var total = await query.LongCountAsync(cancellationToken);
        var rows = await Views(query.OrderBy(t => t.Name).TakePage(page, pageSize, MaxPageSize)).ToListAsync(cancellationToken);
        return new PageOf<TemplateView>(rows, total);
    }

    public async Task<TemplateView?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Views(db.Templates.AsNoTracking().Where(t => t.Id == id)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The template groups, for filters and pickers.</summary>
    public async Task<IReadOnlyList<GroupChoice>> GroupsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await GroupNames.ChoicesAsync(db, GroupScope.Template, cancellationToken);
    }

    public async Task<ServiceResult<TemplateView>> CreateAsync(TemplateInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (groupId, problem) = await CheckAsync(db, null, input, cancellationToken);
        if (problem is not null) return problem;
        var template = new Template
        {
            Name = input.Name, Body = input.Body, TextBody = TextBodyOf(input), Description = input.Description, GroupId = groupId,
            InlineCss = input.InlineCss ?? true, Version = 1, UpdatedAt = time.GetUtcNow(),
        };
        db.Templates.Add(template);
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<TemplateView>.Saved(await Views(db.Templates.AsNoTracking().Where(t => t.Id == template.Id)).FirstAsync(cancellationToken));
    }

    public async Task<ServiceResult<TemplateView>> UpdateAsync(int id, TemplateInput input, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var template = await db.Templates.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null) return ServiceResult<TemplateView>.NotFound();
        if (input.Name != template.Name && await TemplateChecker.IncludedByAsync(db, template.Name, id, cancellationToken) is { Count: > 0 } users)
            return ServiceResult<TemplateView>.Conflict($"Other templates include this one by name, so it cannot be renamed: {string.Join(", ", users)}.");
        var (groupId, problem) = await CheckAsync(db, id, input, cancellationToken);
        if (problem is not null) return problem;
        template.Name = input.Name;
        template.Body = input.Body;
        template.TextBody = TextBodyOf(input);
        template.Description = input.Description;
        template.GroupId = groupId;
        template.InlineCss = input.InlineCss ?? template.InlineCss;
        template.Version++;
        template.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<TemplateView>.Saved(await Views(db.Templates.AsNoTracking().Where(t => t.Id == id)).FirstAsync(cancellationToken));
    }

    /// <summary>Deletes the template unless a campaign, a trigger or another template (as a partial) uses it.</summary>
    public async Task<ServiceResult<int>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var template = await db.Templates.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null) return ServiceResult<int>.NotFound();
        var campaigns = await db.Campaigns.Where(c => c.TemplateId == id).OrderBy(c => c.Name).Select(c => c.Name).ToListAsync(cancellationToken);
        if (campaigns.Count > 0) return ServiceResult<int>.Conflict($"The template is used by campaigns: {string.Join(", ", campaigns)}.");
        var triggers = await db.Triggers.Where(t => t.TemplateId == id).OrderBy(t => t.Name).Select(t => t.Name).ToListAsync(cancellationToken);
        if (triggers.Count > 0) return ServiceResult<int>.Conflict($"The template is used by triggers: {string.Join(", ", triggers)}.");
        if (await TemplateChecker.IncludedByAsync(db, template.Name, id, cancellationToken) is { Count: > 0 } users)
            return ServiceResult<int>.Conflict($"Other templates include this one as a partial: {string.Join(", ", users)}.");
        db.Templates.Remove(template);
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<int>.Saved(id);
    }

    /// <summary>
    /// Renders unsaved markup as a recipient of <paramref name="listId"/> would see it (the list's first
    /// recipient, any blank column filled with a sample), or with Triton's sample recipient when no list is chosen.
    /// </summary>
    public async Task<TemplatePreviewResult> PreviewAsync(string? name, string body, bool inlineCss, string? textBody, int? listId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var values = listId is int id ? await SampleRecipientAsync(db, id, cancellationToken) : null;
        return await checker.PreviewAsync(db, string.IsNullOrWhiteSpace(name) ? UnsavedName : name.Trim(),
            body.ReplaceLineEndings("\n"), inlineCss, string.IsNullOrWhiteSpace(textBody) ? null : textBody.ReplaceLineEndings("\n"), values, cancellationToken);
    }

    /// <summary>What the names of a template may resolve to: the list's columns, the variables of campaigns and triggers using it, the other templates.</summary>
    public async Task<VariableScope> ScopeAsync(int? templateId, int? listId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var columns = listId is int list
            ? await db.ListColumns.AsNoTracking().Where(c => c.ListId == list).OrderBy(c => c.Position).Select(c => c.Name).ToListAsync(cancellationToken)
            : [];
        var variables = new SortedSet<string>(StringComparer.Ordinal);
        if (templateId is int id)
        {
            var json = await db.Campaigns.AsNoTracking().Where(c => c.TemplateId == id).Select(c => c.CustomVariables)
                .Concat(db.Triggers.AsNoTracking().Where(t => t.TemplateId == id).Select(t => t.CustomVariables))
                .ToListAsync(cancellationToken);
            foreach (var text in json) variables.UnionWith(KeysOf(text));
        }
        var partials = await db.Templates.AsNoTracking().Where(t => t.Id != templateId).OrderBy(t => t.Name).Select(t => t.Name).ToListAsync(cancellationToken);
        return new VariableScope(columns, variables, partials);
    }

    private static IEnumerable<string> KeysOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.EnumerateObject().Select(p => p.Name).ToList()
                : [];
        }
        catch (JsonException) { return []; }
    }

    private static async Task<Dictionary<string, object?>?> SampleRecipientAsync(TritonDbContext db, int listId, CancellationToken cancellationToken)
    {
        var columns = await db.ListColumns.AsNoTracking().Where(c => c.ListId == listId).OrderBy(c => c.Position).Select(c => c.Name).ToListAsync(cancellationToken);
        if (!await db.Lists.AnyAsync(l => l.Id == listId, cancellationToken)) return null;
        var recipient = await db.Recipients.AsNoTracking().Where(r => r.ListId == listId).OrderBy(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        var values = new Dictionary<string, object?>(TemplateChecker.SampleValues, StringComparer.Ordinal);
        var fields = recipient is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string?>>(recipient.Fields) ?? [];
        foreach (var column in columns)
            values[column] = fields.GetValueOrDefault(column) is { Length: > 0 } value ? value : $"sample {column}";
        if (recipient is not null)
        {
            values["email"] = recipient.Email;
            values["user_id"] = recipient.UserId ?? values["user_id"];
        }
        return values;
    }

    private static string? TextBodyOf(TemplateInput input) => string.IsNullOrWhiteSpace(input.TextBody) ? null : input.TextBody;

    /// <summary>Validates, checks the name is free and the group exists, and that the markup (and text body) compiles.</summary>
    private async Task<(int? GroupId, ServiceResult<TemplateView>? Problem)> CheckAsync(TritonDbContext db, int? id, TemplateInput input, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(input, cancellationToken);
        if (!validation.IsValid) return (null, ServiceResult<TemplateView>.Invalid(ValidationErrors.Of(validation)));
        if (await db.Templates.AnyAsync(t => t.Name == input.Name && t.Id != id, cancellationToken))
            return (null, ServiceResult<TemplateView>.Conflict($"A template named '{input.Name}' already exists."));
        var (groupId, groupError) = await GroupNames.ResolveAsync(db, GroupScope.Template, input.Group, cancellationToken);
        if (groupError is not null) return (null, ServiceResult<TemplateView>.Invalid("group", groupError));
        if ((await checker.CheckAsync(db, input.Name, input.Body, input.InlineCss ?? true, cancellationToken)).Error is { } error)
            return (null, ServiceResult<TemplateView>.Invalid("body", CompileErrorText.Format(error)));
        if (TextBodyOf(input) is { } text && (await checker.CheckTextAsync(db, input.Name, input.Body, text, cancellationToken)).Error is { } textError)
            return (null, ServiceResult<TemplateView>.Invalid("textBody", CompileErrorText.Format(textError)));
        return (groupId, null);
    }
}
