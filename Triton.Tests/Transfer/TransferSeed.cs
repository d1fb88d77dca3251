using Microsoft.EntityFrameworkCore;
using Triton.Core.Domain;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Transfer;

/// <summary>One of each kind, all tied together, on a real database: what the transfer tests export.</summary>
internal sealed record TransferSeed(int CampaignId, int ListId, int TemplateId, int TriggerId, int ContractId, int CategoryId, int GroupId)
{
    public const string Transport = "Main pickup";

    public static async Task<TransferSeed> CreateAsync(TestDatabase database, int recipients = 25)
    {
        await using var db = database.CreateContext();
        var now = DateTimeOffset.UtcNow;
        var groups = new[]
        {
            new Group { Name = "Spring", Scope = GroupScope.Campaign }, new Group { Name = "Layouts", Scope = GroupScope.Template },
            new Group { Name = "Customers", Scope = GroupScope.List }, new Group { Name = "Promo", Scope = GroupScope.Category },
            new Group { Name = "Mail", Scope = GroupScope.Trigger },
        };
        db.Groups.AddRange(groups);
        await db.SaveChangesAsync();
        var category = new TrackingCategory { Name = "Promotions", Description = "offers", GroupId = groups[3].Id };
        var footer = new Template { Name = "Footer", Body = "<p>Bye {{email}}</p>", UpdatedAt = now };
        var template = new Template
        {
            Name = "Newsletter", Body = "<p>Hi {{first_name}}</p>{{> Footer}}", TextBody = "Hi {{first_name}}", Description = "monthly",
            GroupId = groups[1].Id, InlineCss = false, UpdatedAt = now,
        };
        var list = new MailingList
        {
            Name = "Customers", Description = "all of them", GroupId = groups[2].Id, CreatedAt = now,
            Columns = [new ListColumn { Name = "first_name", Position = 0 }, new ListColumn { Name = "city", Position = 1 }],
        };
        var transport = new Transport { Name = Transport, Kind = TransportKind.Pickup, UpdatedAt = now };
        var contract = new EventContract
        {
            Name = "OrderShipped", Description = "an order left", Strict = true, CreatedAt = now, UpdatedAt = now,
            Variables = [new ContractVariable { Name = "order", TestValue = """{"id":7}""", Description = "the order", Required = true }],
        };
        db.AddRange(category, footer, template, list, transport, contract);
        await db.SaveChangesAsync();
        db.Recipients.AddRange(Enumerable.Range(0, recipients).Select(i => new Recipient
        {
            ListId = list.Id, Email = $"Person{i}@Example.test", EmailKey = $"person{i}@example.test", UserId = $"u{i}",
            Fields = $$"""{"first_name":"P{{i}}","city":"Oslo"}""", CreatedAt = now,
        }));
        var trigger = new Trigger
        {
            Name = "Shipped mail", Description = "tells the customer", GroupId = groups[4].Id, ContractId = contract.Id, TemplateId = template.Id,
            TransportId = transport.Id, TrackingCategoryId = category.Id, Subjects = ["Shipped {{order.id}}"], FromAddress = "shop@example.test",
            FromName = "Shop", CustomHeaders = new() { ["X-Kind"] = "shipping" }, CustomVariables = """{"sender":"Shop"}""", Active = true,
            ActiveContractId = contract.Id, CreatedAt = now, UpdatedAt = now,
        };
        var campaign = new Campaign
        {
            Name = "Spring sale", Description = "20% off", GroupId = groups[0].Id, TemplateId = template.Id, ListId = list.Id,
            TransportId = transport.Id, TrackingCategoryId = category.Id, Subjects = ["Sale {{first_name}}", "Last days"],
            SubjectMode = SubjectMode.Sequential, FromAddress = "news@example.test", FromName = "News", CustomHeaders = new() { ["X-Campaign"] = "spring" },
            CustomVariables = """{"discount":20,"tags":["a","b"]}""", Concurrency = 4, MaxStartDelayMinutes = 30, CreatedAt = now, UpdatedAt = now,
        };
        db.AddRange(trigger, campaign);
        await db.SaveChangesAsync();
        return new TransferSeed(campaign.Id, list.Id, template.Id, trigger.Id, contract.Id, category.Id, groups[0].Id);
    }

    public static async Task AddTransportAsync(TestDatabase database, string name = Transport)
    {
        await using var db = database.CreateContext();
        db.Transports.Add(new Transport { Name = name, Kind = TransportKind.Pickup, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    /// <summary>Rows of every kind an import can create, to show that a refused one changed nothing.</summary>
    public static async Task<string> CountsAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        return string.Join(",", await db.Groups.CountAsync(), await db.TrackingCategories.CountAsync(), await db.Templates.CountAsync(),
            await db.Lists.CountAsync(), await db.Recipients.CountAsync(), await db.EventContracts.CountAsync(), await db.Triggers.CountAsync(),
            await db.Campaigns.CountAsync());
    }
}
