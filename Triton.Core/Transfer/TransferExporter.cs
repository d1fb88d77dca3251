using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Templates;

namespace Triton.Core.Transfer;

/// <summary>An export ready to stream: its entities loaded (recipients stream later), and the file's name.</summary>
public sealed class ExportSet
{
    public required TransferKind Kind { get; init; }
    public required string Name { get; init; }
    public required string FileName { get; init; }
    public bool Recipients { get; init; }
    public List<Group> Groups { get; } = [];
    public List<TrackingCategory> Categories { get; } = [];
    public List<Template> Templates { get; } = [];
    public List<MailingList> Lists { get; } = [];
    public List<EventContract> Contracts { get; } = [];
    public List<Trigger> Triggers { get; } = [];
    public List<Campaign> Campaigns { get; } = [];

    /// <summary>Transport names by id, for the campaigns and triggers that name one.</summary>
    public Dictionary<int, string> TransportNames { get; } = [];
}

/// <summary>
/// Exports one entity and everything it refers to (a campaign brings its template and the template's partials,
/// its list, category and groups; its transport only by name) as a sealed .triton file.
/// </summary>
public sealed class TransferExporter(IDbContextFactory<TritonDbContext> contexts, IOptions<TritonOptions> options, TimeProvider time)
{
    private const int RecipientPage = 1000;

    /// <summary>The set to export, NotFound, or Conflict when no transfer key is configured.</summary>
    public async Task<ServiceResult<ExportSet>> PrepareAsync(TransferKind kind, int? id, bool recipients, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.TransferKey))
            return ServiceResult<ExportSet>.Conflict(TransferService.KeyMissing);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var groupIds = new HashSet<int>();
        string? name;
        ExportSet? set = null;
        ExportSet New(string entityName) => set = new ExportSet
        {
            Kind = kind, Name = entityName, Recipients = recipients && kind is TransferKind.Campaign or TransferKind.List,
            FileName = $"{EnumNames.Name(kind)}-{FileSafe(entityName)}.triton",
        };

        switch (kind)
        {
            case TransferKind.Campaign:
                var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
                if (campaign is null) return ServiceResult<ExportSet>.NotFound();
                New(campaign.Name).Campaigns.Add(campaign);
                await AddTemplateAsync(db, set!, campaign.TemplateId, groupIds, cancellationToken);
                set!.Lists.Add(await db.Lists.AsNoTracking().Include(l => l.Columns).FirstAsync(l => l.Id == campaign.ListId, cancellationToken));
                await AddCategoryAsync(db, set, campaign.TrackingCategoryId, groupIds, cancellationToken);
                await AddTransportAsync(db, set, campaign.TransportId, cancellationToken);
                Add(groupIds, campaign.GroupId, set.Lists[0].GroupId);
                break;
            case TransferKind.Trigger:
                var trigger = await db.Triggers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
                if (trigger is null) return ServiceResult<ExportSet>.NotFound();
                New(trigger.Name).Triggers.Add(trigger);
                set!.Contracts.Add(await db.EventContracts.AsNoTracking().FirstAsync(c => c.Id == trigger.ContractId, cancellationToken));
                await AddTemplateAsync(db, set, trigger.TemplateId, groupIds, cancellationToken);
                await AddCategoryAsync(db, set, trigger.TrackingCategoryId, groupIds, cancellationToken);
                await AddTransportAsync(db, set, trigger.TransportId, cancellationToken);
                Add(groupIds, trigger.GroupId);
                break;
            case TransferKind.List:
                var list = await db.Lists.AsNoTracking().Include(l => l.Columns).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
                if (list is null) return ServiceResult<ExportSet>.NotFound();
                New(list.Name).Lists.Add(list);
                Add(groupIds, list.GroupId);
                break;
            case TransferKind.Template:
                name = await db.Templates.Where(t => t.Id == id).Select(t => t.Name).FirstOrDefaultAsync(cancellationToken);
                if (name is null) return ServiceResult<ExportSet>.NotFound();
                await AddTemplateAsync(db, New(name), id!.Value, groupIds, cancellationToken);
                break;
            case TransferKind.Contract:
                var contract = await db.EventContracts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
                if (contract is null) return ServiceResult<ExportSet>.NotFound();
                New(contract.Name).Contracts.Add(contract);
                break;
            case TransferKind.Category:
                name = await db.TrackingCategories.Where(c => c.Id == id).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken);
                if (name is null) return ServiceResult<ExportSet>.NotFound();
                await AddCategoryAsync(db, New(name), id, groupIds, cancellationToken);
                break;
            case TransferKind.Groups:
                // One group by id, or every group without one.
                var groups = await db.Groups.AsNoTracking().Where(g => id == null || g.Id == id).OrderBy(g => g.Scope).ThenBy(g => g.Name)
                    .ToListAsync(cancellationToken);
                if (id is not null && groups.Count == 0) return ServiceResult<ExportSet>.NotFound();
                New(id is null ? "all" : groups[0].Name).Groups.AddRange(groups);
                return ServiceResult<ExportSet>.Saved(set!);
        }
        set!.Groups.AddRange(await db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).OrderBy(g => g.Scope).ThenBy(g => g.Name)
            .ToListAsync(cancellationToken));
        return ServiceResult<ExportSet>.Saved(set);
    }

    private static void Add(HashSet<int> groupIds, params int?[] ids)
    {
        foreach (var id in ids)
            if (id is { } value) groupIds.Add(value);
    }

    /// <summary>The template and every partial it reaches, by name, each once.</summary>
    private static async Task AddTemplateAsync(TritonDbContext db, ExportSet set, int templateId, HashSet<int> groupIds, CancellationToken ct)
    {
        var root = await db.Templates.AsNoTracking().FirstAsync(t => t.Id == templateId, ct);
        var pending = new Queue<Template>([root]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.Name };
        while (pending.TryDequeue(out var template))
        {
            set.Templates.Add(template);
            Add(groupIds, template.GroupId);
            var names = TemplateCompiler.PartialNames(template.Body).Concat(TemplateCompiler.PartialNames(template.TextBody ?? ""))
                .Where(seen.Add).ToList();
            if (names.Count == 0) continue;
            foreach (var partial in await db.Templates.AsNoTracking().Where(t => names.Contains(t.Name)).ToListAsync(ct))
                pending.Enqueue(partial);
        }
    }

    private static async Task AddCategoryAsync(TritonDbContext db, ExportSet set, int? categoryId, HashSet<int> groupIds, CancellationToken ct)
    {
        if (categoryId is null) return;
        var category = await db.TrackingCategories.AsNoTracking().FirstOrDefaultAsync(c => c.Id == categoryId, ct);
        if (category is null) return;
        set.Categories.Add(category);
        Add(groupIds, category.GroupId);
    }

    private static async Task AddTransportAsync(TritonDbContext db, ExportSet set, int transportId, CancellationToken ct) =>
        set.TransportNames[transportId] = await db.Transports.Where(t => t.Id == transportId).Select(t => t.Name).FirstAsync(ct);

    /// <summary>Writes the sealed file: the entities, then (when asked) the list's recipients, page by page.</summary>
    public async Task WriteAsync(ExportSet set, Stream output, CancellationToken cancellationToken)
    {
        await using var sealedStream = TransferCipher.Seal(output, options.Value.TransferKey!);
        await using var writer = new StreamWriter(sealedStream, new UTF8Encoding(false), 16384);
        long lines = 0;
        async Task LineAsync<T>(T line)
        {
            await writer.WriteAsync(JsonSerializer.Serialize(line, TransferDocument.Json));
            await writer.WriteAsync('\n');
            lines++;
        }

        await LineAsync(new HeaderLine("header", TransferDocument.Format, TransferDocument.Version, EnumNames.Name(set.Kind), set.Name,
            time.GetUtcNow(), set.Recipients));
        var groupNames = set.Groups.ToDictionary(g => g.Id, g => g.Name);
        string? GroupOf(int? id) => id is { } value && groupNames.TryGetValue(value, out var n) ? n : null;
        var categoryNames = set.Categories.ToDictionary(c => c.Id, c => c.Name);
        string? CategoryOf(int? id) => id is { } value && categoryNames.TryGetValue(value, out var n) ? n : null;
        var templateNames = set.Templates.ToDictionary(t => t.Id, t => t.Name);
        var listNames = set.Lists.ToDictionary(l => l.Id, l => l.Name);
        var contractNames = set.Contracts.ToDictionary(c => c.Id, c => c.Name);

        foreach (var g in set.Groups) await LineAsync(new GroupLine("group", g.Name, EnumNames.Name(g.Scope)));
        foreach (var c in set.Categories) await LineAsync(new CategoryLine("category", c.Name, c.Description, GroupOf(c.GroupId)));
        foreach (var t in set.Templates)
            await LineAsync(new TemplateLine("template", t.Name, t.Body, t.TextBody, t.Description, GroupOf(t.GroupId), t.InlineCss));
        foreach (var l in set.Lists)
        {
            await LineAsync(new ListLine("list", l.Name, l.Description, GroupOf(l.GroupId), l.Columns.OrderBy(c => c.Position).Select(c => c.Name).ToList()));
            if (set.Recipients) lines += await WriteRecipientsAsync(writer, l, cancellationToken);
        }
        foreach (var c in set.Contracts)
            await LineAsync(new ContractLine("contract", c.Name, c.Description, c.Strict,
                c.Variables.Select(v => new ContractVariableLine(v.Name, Parse(v.TestValue), v.Description, v.Required)).ToList()));
        foreach (var t in set.Triggers)
            await LineAsync(new TriggerLine("trigger", t.Name, t.Description, GroupOf(t.GroupId), contractNames[t.ContractId], templateNames[t.TemplateId],
                set.TransportNames[t.TransportId], CategoryOf(t.TrackingCategoryId), t.Subjects, EnumNames.Name(t.SubjectMode), t.FromAddress, t.FromName,
                t.CustomHeaders, Parse(t.CustomVariables), t.Active));
        foreach (var c in set.Campaigns)
            await LineAsync(new CampaignLine("campaign", c.Name, c.Description, GroupOf(c.GroupId), templateNames[c.TemplateId], listNames[c.ListId],
                set.TransportNames[c.TransportId], CategoryOf(c.TrackingCategoryId), c.Subjects, EnumNames.Name(c.SubjectMode), c.FromAddress, c.FromName,
                c.CustomHeaders, Parse(c.CustomVariables), c.Concurrency, c.MaxStartDelayMinutes));
        await LineAsync(new EndLine("end", lines + 1));
        await writer.FlushAsync(cancellationToken);
    }

    private async Task<long> WriteRecipientsAsync(StreamWriter writer, MailingList list, CancellationToken cancellationToken)
    {
        long written = 0, after = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var page = await db.Recipients.AsNoTracking().Where(r => r.ListId == list.Id && r.Id > after).OrderBy(r => r.Id).Take(RecipientPage)
                .Select(r => new { r.Id, r.Email, r.UserId, r.Fields }).ToListAsync(cancellationToken);
            foreach (var r in page)
            {
                await writer.WriteAsync(JsonSerializer.Serialize(new RecipientLine("recipient", list.Name, r.Email, r.UserId, Parse(r.Fields)), TransferDocument.Json));
                await writer.WriteAsync('\n');
                written++;
            }
            if (page.Count < RecipientPage) return written;
            after = page[^1].Id;
        }
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string FileSafe(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray()).Trim('-', '.');
        return safe.Length == 0 ? "export" : safe.Length > 60 ? safe[..60] : safe;
    }
}
