using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Triton.Core;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Tests.Admin;

/// <summary>A template, a list of recipients and a pickup transport, written straight to the database.</summary>
internal static class CampaignSeed
{
    public sealed record Parts(int TemplateId, int ListId, int TransportId, string PickupDirectory);

    public static async Task<Parts> CreateAsync(IServiceProvider services, string name, int recipients, double ratePerSecond = 0)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        var now = DateTimeOffset.UtcNow;
        // Pickup folders must be inside the app's data directory.
        var pickup = scope.ServiceProvider.GetRequiredService<IOptions<TritonOptions>>().Value.ResolveDataPath("pickup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(pickup);
        var template = new Template { Name = name + " template", Body = "<p>Hello {{email}}</p>", UpdatedAt = now };
        var list = new MailingList { Name = name + " list", CreatedAt = now };
        var transport = new Transport { Name = name + " pickup", Kind = TransportKind.Pickup, PickupDirectory = pickup, RatePerSecond = ratePerSecond, UpdatedAt = now };
        db.AddRange(template, list, transport);
        await db.SaveChangesAsync();
        for (var i = 0; i < recipients; i++)
        {
            var email = $"r{i}@example{i % 3}.test";
            db.Recipients.Add(new Recipient { ListId = list.Id, Email = email, EmailKey = email, CreatedAt = now });
        }
        await db.SaveChangesAsync();
        return new Parts(template.Id, list.Id, transport.Id, pickup);
    }

    /// <summary>A personalised campaign: its first recipients' names fill the subject and body, and the campaign's variable <c>shop</c>.</summary>
    public sealed record Greeting(int CampaignId, int ListId, long AnnId, long BoId, string PickupDirectory);

    /// <summary>
    /// A campaign whose list has a first_name column and two recipients, Ann (first) and Bo, and whose
    /// template greets them by name from the campaign's shop: "Hello {first_name}" / "Hi {first_name} from {shop}".
    /// </summary>
    public static async Task<Greeting> CreateGreetingAsync(IServiceProvider services, string name)
    {
        var parts = await CreateAsync(services, name, 0);
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        var now = DateTimeOffset.UtcNow;
        var template = await db.Templates.SingleAsync(t => t.Id == parts.TemplateId);
        template.Body = "<p>Hi {{first_name}} from {{shop}}</p>";
        db.Add(new ListColumn { ListId = parts.ListId, Name = "first_name", Position = 0 });
        var ann = new Recipient { ListId = parts.ListId, Email = "ann@example.test", EmailKey = "ann@example.test", Fields = """{"first_name":"Ann"}""", CreatedAt = now };
        var bo = new Recipient { ListId = parts.ListId, Email = "bo@example.test", EmailKey = "bo@example.test", UserId = "u-bo", Fields = """{"first_name":"Bo"}""", CreatedAt = now };
        db.Recipients.Add(ann);
        await db.SaveChangesAsync();
        db.Recipients.Add(bo);
        var campaign = new Campaign
        {
            Name = name, TemplateId = parts.TemplateId, ListId = parts.ListId, TransportId = parts.TransportId,
            Subjects = ["Hello {{first_name}}"], FromAddress = "news@example.com", CustomVariables = """{"shop":"Acme"}""",
            CreatedAt = now, UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        return new Greeting(campaign.Id, parts.ListId, ann.Id, bo.Id, parts.PickupDirectory);
    }

    /// <summary>Gives the campaign's template another body, as a save would (a new version, so the compiled one is not reused).</summary>
    public static async Task SetTemplateBodyAsync(IServiceProvider services, int campaignId, string body)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        var templateId = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.TemplateId).SingleAsync();
        var template = await db.Templates.SingleAsync(t => t.Id == templateId);
        template.Body = body;
        template.Version++;
        await db.SaveChangesAsync();
    }

    /// <summary>A campaign over fresh parts (template, list of <paramref name="recipients"/>, pickup transport), Idle.</summary>
    public static async Task<int> CreateCampaignAsync(IServiceProvider services, string name, int recipients, double ratePerSecond = 0)
    {
        var parts = await CreateAsync(services, name, recipients, ratePerSecond);
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TritonDbContext>();
        var now = DateTimeOffset.UtcNow;
        var campaign = new Campaign
        {
            Name = name, TemplateId = parts.TemplateId, ListId = parts.ListId, TransportId = parts.TransportId,
            Subjects = ["Hello"], FromAddress = "news@example.com", CreatedAt = now, UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        return campaign.Id;
    }
}
