using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Triton.Core;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;

namespace Triton.Bench;

/// <summary>The engine in-process on a generic Host over a SQLite file in a temp data directory.</summary>
public sealed class BenchHost : IAsyncDisposable
{
    private BenchHost(IHost host, string dataDirectory)
    {
        Host = host;
        DataDirectory = dataDirectory;
    }

    public IHost Host { get; }
    public string DataDirectory { get; }
    private bool started;

    /// <summary>Starts the host once: phases run one after another on the same engine.</summary>
    public async Task StartAsync()
    {
        if (started) return;
        started = true;
        await Host.StartAsync();
    }
    public IServiceProvider Services => Host.Services;
    public string DatabasePath => Path.Combine(DataDirectory, "triton.db");

    /// <summary>Builds (does not start) the host; <paramref name="instant"/> swaps in the instant-accept transport.</summary>
    public static async Task<BenchHost> CreateAsync(bool instant, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var data = Directory.CreateTempSubdirectory("triton-bench-").FullName;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        var configuration = new Dictionary<string, string?>
        {
            ["Triton:DataDirectory"] = data,
            ["Database:Provider"] = "Sqlite",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddTritonCore(builder.Configuration);
        // Processes that share a database must share the keys that protect its secrets (Triton.Web keeps them in the database).
        var keys = settings?.GetValueOrDefault("Bench:KeysDirectory") ?? Path.Combine(data, "keys");
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keys));
        builder.Services.AddSingleton<ISecretProtector, DataProtectionSecrets>();
        if (instant) builder.Services.Replace(ServiceDescriptor.Singleton<IMailTransports, InstantTransports>());
        configureServices?.Invoke(builder.Services);
        var host = builder.Build();
        await host.Services.PrepareTritonDatabaseAsync(CancellationToken.None);
        return new BenchHost(host, data);
    }

    /// <summary>A list (the newsletter's columns), a template, a transport (pickup unless given); returns the ids to build campaigns on.</summary>
    public async Task<(int ListId, int TemplateId, int TransportId)> CreateContentAsync(string templateBody, Transport? transport = null)
    {
        var listId = await CreateListAsync();
        await using var db = await Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow;
        var template = new Template { Name = "Bench template", Body = templateBody, UpdatedAt = now };
        transport ??= new Transport { Name = "Bench transport", Kind = TransportKind.Pickup };
        transport.UpdatedAt = now;
        db.AddRange(template, transport);
        await db.SaveChangesAsync();
        return (listId, template.Id, transport.Id);
    }

    /// <summary>A list (names are unique) with the newsletter's columns (seed it with <see cref="SeedRecipientsAsync"/>).</summary>
    public async Task<int> CreateListAsync(string name = "Bench list")
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
        var list = new MailingList
        {
            Name = name, CreatedAt = DateTimeOffset.UtcNow,
            Columns = [.. Newsletter.Columns.Select((name, position) => new ListColumn { Name = name, Position = position })],
        };
        db.Add(list);
        await db.SaveChangesAsync();
        return list.Id;
    }

    public async Task<int> CreateCampaignAsync(string name, int listId, int templateId, int transportId,
        string subject = "Hello {{first_name}}", string variables = """{"greeting":"welcome"}""", int concurrency = 16)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow;
        var campaign = new Campaign
        {
            Name = name, TemplateId = templateId, ListId = listId, TransportId = transportId, FromAddress = "news@triton.test",
            Subjects = [subject], CustomVariables = variables, Concurrency = concurrency, CreatedAt = now, UpdatedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        return campaign.Id;
    }

    public async Task<Campaign> CampaignAsync(int id)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<TritonDbContext>>().CreateDbContextAsync();
        return await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    /// <summary>Seeds recipients with raw prepared inserts in big transactions (this is setup, not measured).</summary>
    public async Task SeedRecipientsAsync(int listId, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        for (var start = 0; start < count; start += 100_000)
        {
            await using var transaction = connection.BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO recipients (list_id, email, email_key, user_id, fields, created_at) VALUES (@list, @email, @email, @user, @fields, '2026-01-01 00:00:00+00:00')";
            insert.Parameters.AddWithValue("@list", listId);
            var email = insert.Parameters.Add("@email", SqliteType.Text);
            var user = insert.Parameters.Add("@user", SqliteType.Text);
            var fields = insert.Parameters.Add("@fields", SqliteType.Text);
            insert.Prepare();
            for (var i = start; i < Math.Min(count, start + 100_000); i++)
            {
                (email.Value, user.Value, fields.Value) = Row(i);
                insert.ExecuteNonQuery();
            }
            await transaction.CommitAsync();
        }
    }

    /// <summary>The i-th recipient: email, user id, fields JSON (the same rows go to the sqlite3 peer).</summary>
    public static (string Email, string UserId, string Fields) Row(int i) =>
        ($"user{i}@example.test", $"u{i}", $$"""{"first_name":"Name{{i}}","last_name":"Family{{i % 9973}}","city":"City{{i % 500}}","plan":"{{Plans[i % 3]}}"}""");

    private static readonly string[] Plans = ["free", "pro", "team"];

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }

    private sealed class DataProtectionSecrets(IDataProtectionProvider provider) : ISecretProtector
    {
        private readonly IDataProtector _protector = provider.CreateProtector("Triton.Transport.Password");
        public string Protect(string plaintext) => _protector.Protect(plaintext);
        public string Unprotect(string protectedText) => _protector.Unprotect(protectedText);
    }
}

/// <summary>Accepts every message at once: measures the engine without any mail server behind it.</summary>
public sealed class InstantTransports : IMailTransports, IMailTransport
{
    private static readonly Task<SendResult> Accepted = Task.FromResult(SendResult.Accepted("250 ok", 250));
    public IMailTransport For(Transport transport) => this;
    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) => Accepted;
}
