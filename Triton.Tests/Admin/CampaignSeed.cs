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
