using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Sending;

/// <summary>
/// The real application on a real database with seeded content: a list of N recipients, a
/// template, a transport and campaigns. Either the real pickup transport or a scripted one.
/// </summary>
public sealed class EngineScenario : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly WebApplicationFactory _app;

    private readonly bool _ownsDatabase;

    private EngineScenario(TestDatabase database, WebApplicationFactory app, ScriptedTransport? scripted, bool ownsDatabase)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
        _app = app;
        Scripted = scripted;
    }

    public ScriptedTransport? Scripted { get; }
    public IServiceProvider Services => _app.Services;
    public ICampaignCommands Commands => Services.GetRequiredService<ICampaignCommands>();
    public string DataDirectory => _app.Factory.DataDirectory;
    public string PickupDirectory => Path.Combine(DataDirectory, "pickup");
    public TestDatabase Database => _database;

    public static async Task<EngineScenario> StartAsync(DatabaseProvider provider, Dictionary<string, string?>? settings = null,
        ScriptedTransport? scripted = null, TestDatabase? database = null)
    {
        var ownsDatabase = database is null;
        database ??= await TestDatabase.CreateAsync(provider);
        var merged = new Dictionary<string, string?>
        {
            ["Sending:Workers"] = "4",
            ["Sending:PollMilliseconds"] = "50",
            ["Sending:ProgressMilliseconds"] = "50",
            ["Sending:RetryBaseDelaySeconds"] = "0.05",
            ["Sending:ClaimBatchSize"] = "100",
            ["Sending:EnqueueBatchSize"] = "200",
        };
        foreach (var (key, value) in settings ?? []) merged[key] = value;
        var factory = new TritonAppFactory(database, merged);
        var app = new WebApplicationFactory(factory, scripted);
        _ = app.Services; // start the host: migrations, engine, schedules
        return new EngineScenario(database, app, scripted, ownsDatabase);
    }

    /// <summary>An SMTP transport row to a server on 127.0.0.1 without TLS, for CreateCampaignAsync's transport argument.</summary>
    public static Action<Transport> Smtp(int port, int maxConnections = 4) => t =>
    {
        t.Kind = TransportKind.Smtp;
        t.Host = "127.0.0.1";
        t.Port = port;
        t.Security = TransportSecurity.None;
        t.MaxConnections = maxConnections;
    };

    /// <summary>A list with the given addresses, a template using a column and a variable, a transport.</summary>
    public Task<int> CreateCampaignAsync(IEnumerable<string> emails, string name = "Campaign",
        double ratePerSecond = 0, int concurrency = 16, Action<Campaign>? configure = null, Action<Transport>? transport = null) =>
        CreateCampaignAsync(_database, emails, name, ratePerSecond, concurrency, configure, transport);

    public static async Task<int> CreateCampaignAsync(TestDatabase database, IEnumerable<string> emails, string name = "Campaign",
        double ratePerSecond = 0, int concurrency = 16, Action<Campaign>? configure = null, Action<Transport>? configureTransport = null)
    {
        await using var db = database.CreateContext();
        var now = DateTimeOffset.UtcNow;
        var list = new MailingList { Name = name + " list", CreatedAt = now, Columns = [new ListColumn { Name = "first_name", Position = 0 }] };
        var template = new Template { Name = name + " template", Body = "<p>Hello {{first_name}} ({{email}}), {{greeting}}</p>", UpdatedAt = now };
        var transport = new Transport { Name = name + " transport", Kind = TransportKind.Pickup, RatePerSecond = ratePerSecond, UpdatedAt = now };
        configureTransport?.Invoke(transport);
        db.AddRange(list, template, transport);
        await db.SaveChangesAsync();
        var i = 0;
        foreach (var chunk in emails.Chunk(1000))
        {
            db.Recipients.AddRange(chunk.Select(e => new Recipient
            {
                ListId = list.Id, Email = e, EmailKey = e.ToLowerInvariant(), UserId = $"u{i++}", Fields = $$"""{"first_name":"N{{i}}"}""", CreatedAt = now,
            }));
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        var campaign = new Campaign
        {
            Name = name, TemplateId = template.Id, ListId = list.Id, TransportId = transport.Id, FromAddress = "news@triton.test",
            Subjects = ["Hi {{first_name}}"], CustomVariables = """{"greeting":"welcome"}""", Concurrency = concurrency,
            CreatedAt = now, UpdatedAt = now,
        };
        configure?.Invoke(campaign);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        return campaign.Id;
    }

    public static IEnumerable<string> Addresses(int count, string prefix = "user") =>
        Enumerable.Range(0, count).Select(i => $"{prefix}{i}@example.test");

    public Task<Campaign> CampaignAsync(int id) => CampaignAsync(_database, id);

    public static async Task<Campaign> CampaignAsync(TestDatabase database, int id)
    {
        await using var db = database.CreateContext();
        return await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    public HttpClient CreateClient() => _app.CreateClient();

    /// <summary>A client that reports redirects instead of following them.</summary>
    public HttpClient CreateClientWithoutRedirects() => _app.CreateClientWithoutRedirects();

    /// <summary>A client authenticated with the bootstrap API key.</summary>
    public HttpClient CreateApiClient()
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _app.Factory.ApiKey);
        return client;
    }

    public async Task<List<CampaignRun>> RunsAsync(int id)
    {
        await using var db = _database.CreateContext();
        return await db.CampaignRuns.AsNoTracking().Where(r => r.CampaignId == id).OrderBy(r => r.Id).ToListAsync();
    }

    public async Task<List<Delivery>> DeliveriesAsync(int id)
    {
        await using var db = _database.CreateContext();
        return await db.Deliveries.AsNoTracking().Where(d => d.CampaignId == id).ToListAsync();
    }

    public async Task<Campaign> WaitForAsync(int id, Func<Campaign, bool> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var campaign = await CampaignAsync(id);
            if (condition(campaign)) return campaign;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Campaign {id} is {campaign.State} ({campaign.StateReason}) with sent {campaign.Progress.Sent}, " +
                    $"failed {campaign.Progress.Failed}, bounced {campaign.Progress.Bounced}, plan {campaign.Progress.Plan}, enqueued {campaign.Progress.Enqueued}.");
            await Task.Delay(25);
        }
    }

    /// <summary>The recipients of every .eml file in the pickup folder, one entry per file.</summary>
    public List<string> PickedUpRecipients()
    {
        if (!Directory.Exists(PickupDirectory)) return [];
        return Directory.EnumerateFiles(PickupDirectory, "*.eml")
            .Select(f => File.ReadLines(f).First(l => l.StartsWith("To:", StringComparison.Ordinal))[3..].Trim().Trim('<', '>'))
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        if (_ownsDatabase) await _database.DisposeAsync();
    }

    /// <summary>The factory with the scripted transport swapped in when one is given.</summary>
    private sealed class WebApplicationFactory(TritonAppFactory factory, ScriptedTransport? scripted) : IAsyncDisposable
    {
        private readonly Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _built = scripted is null
            ? factory
            : factory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
                services.Replace(ServiceDescriptor.Singleton<IMailTransports>(new ScriptedTransports(scripted)))));

        public TritonAppFactory Factory => factory;
        public IServiceProvider Services => _built.Services;
        public HttpClient CreateClient() => _built.CreateClient();
        public HttpClient CreateClientWithoutRedirects() =>
            _built.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        public async ValueTask DisposeAsync()
        {
            if (!ReferenceEquals(_built, factory)) await _built.DisposeAsync();
            await factory.DisposeAsync();
        }
    }
}
