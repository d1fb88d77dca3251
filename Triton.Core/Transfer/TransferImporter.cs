using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Lists;
using Triton.Core.Templates;

namespace Triton.Core.Transfer;

/// <summary>
/// Plans and applies the import of a read .triton document by name. Groups are matched by name and scope and
/// reused; any other name in use here is a conflict (or, with <see cref="ImportStrategy.Reuse"/>, the existing
/// entity stands in for it). The apply runs in one transaction: everything lands, or nothing. Imported
/// campaigns are idle and imported triggers inactive, so nothing sends before someone looks at them.
/// </summary>
public sealed class TransferImporter(IDbContextFactory<TritonDbContext> contexts, TimeProvider time)
{
    private const int RecipientBatch = 1000;

    public async Task<ImportPlan> PlanAsync(TransferContents file, ImportStrategy strategy, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var items = new List<ImportItem>();
        var conflicts = new List<string>();
        var missing = new List<string>();
        var notes = new List<string>();

        async Task CheckAsync(string kind, IEnumerable<string> names, Func<List<string>, Task<List<string>>> existing, Func<string, long?>? recipients = null)
        {
            var list = names.ToList();
            var taken = (await existing(list)).ToHashSet(StringComparer.Ordinal);
            foreach (var name in list)
            {
                var action = !taken.Contains(name) ? ImportAction.Create : strategy == ImportStrategy.Reuse ? ImportAction.Reuse : ImportAction.Conflict;
                if (action == ImportAction.Conflict) conflicts.Add($"{kind} '{name}'");
                items.Add(new ImportItem(kind, name, action, action == ImportAction.Create ? recipients?.Invoke(name) : null));
            }
        }

        foreach (var g in file.Groups)
        {
            if (!EnumNames.TryParse<GroupScope>(g.Scope, out var scope)) { missing.Add($"group scope '{g.Scope}'"); continue; }
            var exists = await db.Groups.AnyAsync(x => x.Scope == scope && x.Name == g.Name, ct);
            items.Add(new ImportItem("group", $"{g.Name} ({g.Scope})", exists ? ImportAction.Reuse : ImportAction.Create));
        }
        await CheckAsync("category", file.Categories.Select(c => c.Name), n => db.TrackingCategories.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct));
        await CheckAsync("template", file.Templates.Select(t => t.Name), n => db.Templates.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct));
        await CheckAsync("list", file.Lists.Select(l => l.Name), n => db.Lists.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct),
            name => file.Header.Recipients ? file.RecipientCounts.GetValueOrDefault(name) : null);
        await CheckAsync("contract", file.Contracts.Select(c => c.Name), n => db.EventContracts.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct));
        await CheckAsync("trigger", file.Triggers.Select(t => t.Name), n => db.Triggers.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct));
        await CheckAsync("campaign", file.Campaigns.Select(c => c.Name), n => db.Campaigns.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct));

        // References the file does not carry must exist here: transports always, partials and the rest when left out.
        var transports = file.Campaigns.Select(c => c.Transport).Concat(file.Triggers.Select(t => t.Transport)).Distinct().ToList();
        var knownTransports = await db.Transports.Where(t => transports.Contains(t.Name)).Select(t => t.Name).ToListAsync(ct);
        missing.AddRange(transports.Except(knownTransports).Select(t => $"transport '{t}'"));
        var fileTemplates = file.Templates.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var partials = file.Templates.SelectMany(t => TemplateCompiler.PartialNames(t.Body).Concat(TemplateCompiler.PartialNames(t.TextBody ?? "")))
            .Where(p => !fileTemplates.Contains(p)).Distinct().ToList();
        var knownPartials = await db.Templates.Where(t => partials.Contains(t.Name)).Select(t => t.Name).ToListAsync(ct);
        missing.AddRange(partials.Except(knownPartials).Select(p => $"partial template '{p}'"));
        await MissingAsync("template", file.Campaigns.Select(c => c.Template).Concat(file.Triggers.Select(t => t.Template)), fileTemplates,
            n => db.Templates.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct));
        await MissingAsync("list", file.Campaigns.Select(c => c.List), file.Lists.Select(l => l.Name).ToHashSet(),
            n => db.Lists.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct));
        await MissingAsync("contract", file.Triggers.Select(t => t.Contract), file.Contracts.Select(c => c.Name).ToHashSet(),
            n => db.EventContracts.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct));
        await MissingAsync("category", file.Campaigns.Select(c => c.Category).Concat(file.Triggers.Select(t => t.Category)).OfType<string>(),
            file.Categories.Select(c => c.Name).ToHashSet(), n => db.TrackingCategories.Where(x => n.Contains(x.Name)).Select(x => x.Name).ToListAsync(ct));

        if (file.Triggers.Count > 0) notes.Add("Imported triggers arrive inactive: activate them once checked.");
        if (file.Campaigns.Count > 0) notes.Add("Imported campaigns arrive idle and unscheduled.");
        if (items.Any(i => i.Kind == "list" && i.Action == ImportAction.Reuse) && file.Header.Recipients)
            notes.Add("Recipients of a reused list are not added to it.");
        return new ImportPlan(file.Header.Kind, file.Header.Name, file.Header.ExportedAt, items, conflicts, missing, notes, Applied: false);

        async Task MissingAsync(string kind, IEnumerable<string> references, HashSet<string> inFile, Func<List<string>, Task<List<string>>> existing)
        {
            var outside = references.Where(r => !inFile.Contains(r)).Distinct().ToList();
            if (outside.Count == 0) return;
            var known = await existing(outside);
            missing.AddRange(outside.Except(known).Select(r => $"{kind} '{r}'"));
        }
    }

    /// <summary>Applies a plan that can be applied, in one transaction; <paramref name="reopen"/> streams the file again for its recipients.</summary>
    public async Task ApplyAsync(TransferContents file, ImportPlan plan, Func<Func<RecipientLine, Task>, Task> streamRecipients, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        bool Creates(string kind, string name) => plan.Items.Any(i => i.Kind == kind && i.Name == name && i.Action == ImportAction.Create);

        var groups = new Dictionary<(GroupScope, string), int>();
        foreach (var g in file.Groups)
        {
            var scope = Enum.Parse<GroupScope>(g.Scope, ignoreCase: true);
            var existing = await db.Groups.FirstOrDefaultAsync(x => x.Scope == scope && x.Name == g.Name, ct);
            if (existing is null) db.Groups.Add(existing = new Group { Name = g.Name, Scope = scope });
            await db.SaveChangesAsync(ct);
            groups[(scope, g.Name)] = existing.Id;
        }
        int? GroupId(GroupScope scope, string? name) => name is not null && groups.TryGetValue((scope, name), out var id) ? id : null;

        foreach (var c in file.Categories.Where(c => Creates("category", c.Name)))
            db.TrackingCategories.Add(new TrackingCategory { Name = c.Name, Description = c.Description, GroupId = GroupId(GroupScope.Category, c.Group) });
        foreach (var t in file.Templates.Where(t => Creates("template", t.Name)))
            db.Templates.Add(new Template
            {
                Name = t.Name, Body = t.Body, TextBody = t.TextBody, Description = t.Description, GroupId = GroupId(GroupScope.Template, t.Group),
                InlineCss = t.InlineCss, UpdatedAt = now,
            });
        var createdLists = new List<MailingList>();
        foreach (var l in file.Lists.Where(l => Creates("list", l.Name)))
        {
            var list = new MailingList
            {
                Name = l.Name, Description = l.Description, GroupId = GroupId(GroupScope.List, l.Group), CreatedAt = now,
                Columns = l.Columns.Select((name, i) => new ListColumn { Name = name, Position = i }).ToList(),
            };
            db.Lists.Add(list);
            createdLists.Add(list);
        }
        foreach (var c in file.Contracts.Where(c => Creates("contract", c.Name)))
            db.EventContracts.Add(new EventContract
            {
                Name = c.Name, Description = c.Description, Strict = c.Strict, CreatedAt = now, UpdatedAt = now,
                Variables = c.Variables.Select(v => new ContractVariable { Name = v.Name, TestValue = v.TestValue.GetRawText(), Description = v.Description, Required = v.Required }).ToList(),
            });
        await db.SaveChangesAsync(ct);

        if (file.Header.Recipients && createdLists.Count > 0)
            await InsertRecipientsAsync(db, createdLists.ToDictionary(l => l.Name, l => l.Id), streamRecipients, now, ct);

        var names = await NamesAsync(db, file, ct);
        foreach (var t in file.Triggers.Where(t => Creates("trigger", t.Name)))
            db.Triggers.Add(new Trigger
            {
                Name = t.Name, Description = t.Description, GroupId = GroupId(GroupScope.Trigger, t.Group), ContractId = names.Contracts[t.Contract],
                TemplateId = names.Templates[t.Template], TransportId = names.Transports[t.Transport],
                TrackingCategoryId = t.Category is null ? null : names.Categories[t.Category], Subjects = t.Subjects.ToList(),
                SubjectMode = Enum.Parse<SubjectMode>(t.SubjectMode, ignoreCase: true), FromAddress = t.FromAddress, FromName = t.FromName,
                CustomHeaders = new Dictionary<string, string>(t.CustomHeaders), CustomVariables = t.CustomVariables.GetRawText(),
                Active = false, CreatedAt = now, UpdatedAt = now,
            });
        foreach (var c in file.Campaigns.Where(c => Creates("campaign", c.Name)))
            db.Campaigns.Add(new Campaign
            {
                Name = c.Name, Description = c.Description, GroupId = GroupId(GroupScope.Campaign, c.Group), TemplateId = names.Templates[c.Template],
                ListId = names.Lists[c.List], TransportId = names.Transports[c.Transport],
                TrackingCategoryId = c.Category is null ? null : names.Categories[c.Category], Subjects = c.Subjects.ToList(),
                SubjectMode = Enum.Parse<SubjectMode>(c.SubjectMode, ignoreCase: true), FromAddress = c.FromAddress, FromName = c.FromName,
                CustomHeaders = new Dictionary<string, string>(c.CustomHeaders), CustomVariables = c.CustomVariables.GetRawText(),
                Concurrency = c.Concurrency, MaxStartDelayMinutes = c.MaxStartDelayMinutes, State = CampaignState.Idle, CreatedAt = now, UpdatedAt = now,
            });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private sealed record Names(Dictionary<string, int> Templates, Dictionary<string, int> Lists, Dictionary<string, int> Contracts,
        Dictionary<string, int> Categories, Dictionary<string, int> Transports);

    /// <summary>Ids by name of everything the triggers and campaigns refer to, created just now or already here.</summary>
    private static async Task<Names> NamesAsync(TritonDbContext db, TransferContents file, CancellationToken ct)
    {
        var templates = file.Campaigns.Select(c => c.Template).Concat(file.Triggers.Select(t => t.Template)).Distinct().ToList();
        var lists = file.Campaigns.Select(c => c.List).Distinct().ToList();
        var contracts = file.Triggers.Select(t => t.Contract).Distinct().ToList();
        var categories = file.Campaigns.Select(c => c.Category).Concat(file.Triggers.Select(t => t.Category)).OfType<string>().Distinct().ToList();
        var transports = file.Campaigns.Select(c => c.Transport).Concat(file.Triggers.Select(t => t.Transport)).Distinct().ToList();
        return new Names(
            await db.Templates.Where(x => templates.Contains(x.Name)).ToDictionaryAsync(x => x.Name, x => x.Id, ct),
            await db.Lists.Where(x => lists.Contains(x.Name)).ToDictionaryAsync(x => x.Name, x => x.Id, ct),
            await db.EventContracts.Where(x => contracts.Contains(x.Name)).ToDictionaryAsync(x => x.Name, x => x.Id, ct),
            await db.TrackingCategories.Where(x => categories.Contains(x.Name)).ToDictionaryAsync(x => x.Name, x => x.Id, ct),
            await db.Transports.Where(x => transports.Contains(x.Name)).ToDictionaryAsync(x => x.Name, x => x.Id, ct));
    }

    private static async Task InsertRecipientsAsync(TritonDbContext db, Dictionary<string, int> lists, Func<Func<RecipientLine, Task>, Task> stream,
        DateTimeOffset now, CancellationToken ct)
    {
        var pending = 0;
        await stream(async line =>
        {
            if (!lists.TryGetValue(line.List, out var listId)) return;
            db.Recipients.Add(new Recipient
            {
                ListId = listId, Email = line.Email, EmailKey = EmailAddresses.Key(line.Email), UserId = line.UserId,
                Fields = line.Fields.ValueKind == JsonValueKind.Object ? line.Fields.GetRawText() : "{}", CreatedAt = now,
            });
            if (++pending < RecipientBatch) return;
            await db.SaveChangesAsync(ct);
            // Saved rows leave the tracker, so memory stays flat however long the list.
            foreach (var entry in db.ChangeTracker.Entries<Recipient>().ToList()) entry.State = EntityState.Detached;
            pending = 0;
        });
        await db.SaveChangesAsync(ct);
        foreach (var entry in db.ChangeTracker.Entries<Recipient>().ToList()) entry.State = EntityState.Detached;
    }
}
