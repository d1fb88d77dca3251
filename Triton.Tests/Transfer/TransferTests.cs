using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Transfer;
using Triton.Tests.Infrastructure;
using Triton.Tests.Sending;

namespace Triton.Tests.Transfer;

/// <summary>Export from one real app and import into a fresh one, by name, through the API.</summary>
public abstract class TransferTests(DatabaseProvider provider)
{
    protected const string Key = "a transfer secret shared by both instances";

    protected static Dictionary<string, string?> Keyed(string? key = Key) => new() { ["Triton:TransferKey"] = key };

    protected static async Task<byte[]> ExportAsync(HttpClient api, string path)
    {
        var response = await api.GetAsync("/api/export/" + path);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".triton", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        return body;
    }

    protected static async Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(HttpClient api, byte[] file, string query = "")
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await api.PostAsync("/api/import" + query, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string[] Items(JsonElement plan, string action) =>
        plan.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("action").GetString()!.Equals(action, StringComparison.OrdinalIgnoreCase))
            .Select(i => i.GetProperty("kind").GetString() + " " + i.GetProperty("name").GetString()).Order().ToArray();

    [Fact]
    public async Task Every_kind_exports_and_a_campaign_imports_into_a_fresh_instance_by_name_with_its_recipients()
    {
        await using var source = await EngineScenario.StartAsync(provider, Keyed());
        var seed = await TransferSeed.CreateAsync(source.Database);
        using var sourceApi = source.CreateApiClient();
        var campaign = await ExportAsync(sourceApi, $"campaign/{seed.CampaignId}?recipients=true");
        var trigger = await ExportAsync(sourceApi, $"trigger/{seed.TriggerId}");
        var list = await ExportAsync(sourceApi, $"list/{seed.ListId}");
        var listWithRecipients = await ExportAsync(sourceApi, $"list/{seed.ListId}?recipients=true");
        var template = await ExportAsync(sourceApi, $"template/{seed.TemplateId}");
        var contract = await ExportAsync(sourceApi, $"contract/{seed.ContractId}");
        var category = await ExportAsync(sourceApi, $"category/{seed.CategoryId}");
        var groups = await ExportAsync(sourceApi, "groups");
        var oneGroup = await ExportAsync(sourceApi, $"groups/{seed.GroupId}");
        Assert.Equal(HttpStatusCode.NotFound, (await sourceApi.GetAsync("/api/export/campaign/99999")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await sourceApi.GetAsync("/api/export/planet/1")).StatusCode);
        // Transports travel by name only: nothing of their settings is in the file.
        var read = await TransferReader.ReadAsync(new MemoryStream(campaign), Key, default);
        Assert.Equal(TransferSeed.Transport, Assert.Single(read.Campaigns).Transport);
        Assert.Equal(25, read.RecipientCounts["Customers"]);
        Assert.Empty((await TransferReader.ReadAsync(new MemoryStream(list), Key, default)).RecipientCounts);
        Assert.Equal(25, (await TransferReader.ReadAsync(new MemoryStream(listWithRecipients), Key, default)).RecipientCounts["Customers"]);
        Assert.Equal(5, (await TransferReader.ReadAsync(new MemoryStream(groups), Key, default)).Groups.Count);
        Assert.Equal("Spring", Assert.Single((await TransferReader.ReadAsync(new MemoryStream(oneGroup), Key, default)).Groups).Name);

        await using var target = await EngineScenario.StartAsync(provider, Keyed());
        await TransferSeed.AddTransportAsync(target.Database);
        using var api = target.CreateApiClient();
        var before = await TransferSeed.CountsAsync(target.Database);

        var (status, plan) = await ImportAsync(api, campaign, "?dryRun=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(plan.GetProperty("applied").GetBoolean());
        Assert.Equal(["campaign Spring sale", "category Promotions", "group Customers (list)", "group Layouts (template)", "group Promo (category)",
            "group Spring (campaign)", "list Customers", "template Footer", "template Newsletter"], Items(plan, "create"));
        Assert.Equal(0, plan.GetProperty("conflicts").GetArrayLength());
        Assert.Equal(0, plan.GetProperty("missingReferences").GetArrayLength());
        Assert.Equal(before, await TransferSeed.CountsAsync(target.Database));

        (status, plan) = await ImportAsync(api, campaign);
        Assert.True(status == HttpStatusCode.OK, plan.ToString());
        Assert.True(plan.GetProperty("applied").GetBoolean());
        await using (var db = target.Database.CreateContext())
        {
            var imported = await db.Campaigns.AsNoTracking().Include(c => c.Group).SingleAsync(c => c.Name == "Spring sale");
            Assert.Equal(CampaignState.Idle, imported.State);
            Assert.Equal("Newsletter", await db.Templates.Where(t => t.Id == imported.TemplateId).Select(t => t.Name).SingleAsync());
            Assert.Equal(TransferSeed.Transport, await db.Transports.Where(t => t.Id == imported.TransportId).Select(t => t.Name).SingleAsync());
            Assert.Equal("Promotions", await db.TrackingCategories.Where(t => t.Id == imported.TrackingCategoryId).Select(t => t.Name).SingleAsync());
            Assert.Equal("Spring", imported.Group!.Name);
            Assert.Equal(["Sale {{first_name}}", "Last days"], imported.Subjects);
            Assert.Equal(SubjectMode.Sequential, imported.SubjectMode);
            Assert.Equal("spring", imported.CustomHeaders["X-Campaign"]);
            Assert.Equal(20, JsonDocument.Parse(imported.CustomVariables).RootElement.GetProperty("discount").GetInt32());
            var importedList = await db.Lists.AsNoTracking().Include(l => l.Columns).SingleAsync(l => l.Id == imported.ListId);
            Assert.Equal(["first_name", "city"], importedList.Columns.OrderBy(c => c.Position).Select(c => c.Name));
            var recipients = await db.Recipients.AsNoTracking().Where(r => r.ListId == importedList.Id).OrderBy(r => r.Id).ToListAsync();
            Assert.Equal(25, recipients.Count);
            Assert.Equal("Person3@Example.test", recipients[3].Email);
            Assert.Equal("person3@example.test", recipients[3].EmailKey);
            Assert.Equal("P3", JsonDocument.Parse(recipients[3].Fields).RootElement.GetProperty("first_name").GetString());
            var newsletter = await db.Templates.AsNoTracking().Include(t => t.Group).SingleAsync(t => t.Name == "Newsletter");
            Assert.Equal(("<p>Hi {{first_name}}</p>{{> Footer}}", "Hi {{first_name}}", false, "Layouts"),
                (newsletter.Body, newsletter.TextBody, newsletter.InlineCss, newsletter.Group!.Name));
            Assert.True(await db.Templates.AnyAsync(t => t.Name == "Footer"));
        }

        // The trigger shares the template now here: a conflict, unless the existing one is reused.
        var countsBefore = await TransferSeed.CountsAsync(target.Database);
        (status, plan) = await ImportAsync(api, trigger);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("template 'Newsletter'", plan.GetProperty("detail").GetString());
        Assert.Equal(countsBefore, await TransferSeed.CountsAsync(target.Database));
        (status, plan) = await ImportAsync(api, trigger, "?onConflict=reuse");
        Assert.True(status == HttpStatusCode.OK, plan.ToString());
        await using (var db = target.Database.CreateContext())
        {
            var imported = await db.Triggers.AsNoTracking().SingleAsync(t => t.Name == "Shipped mail");
            Assert.False(imported.Active);
            Assert.Equal(await db.Templates.Where(t => t.Name == "Newsletter").Select(t => t.Id).SingleAsync(), imported.TemplateId);
            var importedContract = await db.EventContracts.AsNoTracking().SingleAsync(c => c.Id == imported.ContractId);
            Assert.Equal(("OrderShipped", true), (importedContract.Name, importedContract.Strict));
            Assert.Equal("""{"id":7}""", Assert.Single(importedContract.Variables).TestValue);
            Assert.Equal("shipping", imported.CustomHeaders["X-Kind"]);
        }

        // Everything else is here by now: each kind's file is refused for its names, or all reused.
        foreach (var file in new[] { contract, template, category, list })
            Assert.Equal(HttpStatusCode.Conflict, (await ImportAsync(api, file)).Status);
        (status, plan) = await ImportAsync(api, groups);
        Assert.True(status == HttpStatusCode.OK, plan.ToString());
        // Groups are matched by name and scope: all five came with the campaign and the trigger.
        Assert.Empty(Items(plan, "create"));
        Assert.Equal(5, Items(plan, "reuse").Length);
        (status, plan) = await ImportAsync(api, category, "?dryRun=true&onConflict=reuse");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(Items(plan, "create"));
    }
}

public sealed class SqliteTransferTests() : TransferTests(DatabaseProvider.Sqlite)
{
    [Fact]
    public async Task A_flipped_byte_or_another_key_is_refused_and_changes_nothing()
    {
        await using var source = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, Keyed());
        var seed = await TransferSeed.CreateAsync(source.Database);
        using var sourceApi = source.CreateApiClient();
        var file = await ExportAsync(sourceApi, $"campaign/{seed.CampaignId}?recipients=true");

        await using var target = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, Keyed());
        await TransferSeed.AddTransportAsync(target.Database);
        using var api = target.CreateApiClient();
        var before = await TransferSeed.CountsAsync(target.Database);
        foreach (var position in new[] { 3, 40, file.Length / 2, file.Length - 1 })
        {
            var tampered = (byte[])file.Clone();
            tampered[position] ^= 0x01;
            foreach (var query in new[] { "?dryRun=true", "" })
            {
                var (status, problem) = await ImportAsync(api, tampered, query);
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _), problem.ToString());
            }
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await ImportAsync(api, file[..^10])).Status);
        Assert.Equal(before, await TransferSeed.CountsAsync(target.Database));

        await using var other = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, Keyed("another instance's own transfer secret"));
        await TransferSeed.AddTransportAsync(other.Database);
        using var otherApi = other.CreateApiClient();
        var otherBefore = await TransferSeed.CountsAsync(other.Database);
        var (otherStatus, otherProblem) = await ImportAsync(otherApi, file);
        Assert.Equal(HttpStatusCode.BadRequest, otherStatus);
        Assert.Contains("another transfer key", otherProblem.ToString());
        Assert.Equal(otherBefore, await TransferSeed.CountsAsync(other.Database));

        // The untouched file still imports where the key matches.
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(api, file)).Status);
    }

    [Fact]
    public async Task A_campaign_whose_transport_is_missing_here_is_refused_with_that_reason()
    {
        await using var source = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, Keyed());
        var seed = await TransferSeed.CreateAsync(source.Database);
        using var sourceApi = source.CreateApiClient();
        var file = await ExportAsync(sourceApi, $"campaign/{seed.CampaignId}");

        await using var target = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, Keyed());
        await TransferSeed.AddTransportAsync(target.Database, "Some other transport");
        using var api = target.CreateApiClient();
        var before = await TransferSeed.CountsAsync(target.Database);
        var (status, plan) = await ImportAsync(api, file, "?dryRun=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"transport '{TransferSeed.Transport}'", Assert.Single(plan.GetProperty("missingReferences").EnumerateArray()).GetString());
        var (refused, problem) = await ImportAsync(api, file);
        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains($"Missing on this instance: transport '{TransferSeed.Transport}'", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await TransferSeed.CountsAsync(target.Database));
    }

    [Fact]
    public async Task Without_a_transfer_key_export_and_import_say_so()
    {
        await using var app = await EngineScenario.StartAsync(DatabaseProvider.Sqlite);
        var seed = await TransferSeed.CreateAsync(app.Database);
        using var api = app.CreateApiClient();
        var export = await api.GetAsync($"/api/export/campaign/{seed.CampaignId}");
        Assert.Equal(HttpStatusCode.Conflict, export.StatusCode);
        Assert.Contains("Triton:TransferKey is not configured", await export.Content.ReadAsStringAsync());
        var (status, problem) = await ImportAsync(api, [1, 2, 3]);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("Triton:TransferKey is not configured", problem.GetProperty("detail").GetString());
    }
}

[Collection("postgres")]
public sealed class PostgresTransferTests() : TransferTests(DatabaseProvider.Postgres);
