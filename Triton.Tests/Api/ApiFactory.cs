using Triton.Tests.Infrastructure;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Mail;
using Triton.Tests.Components;

namespace Triton.Tests.Api;

/// <summary>
/// The app over a real SQLite file in a temp directory, its first API key bootstrapped from
/// configuration. Services the host does not provide yet get test implementations here.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string Key = "trk_test_bootstrap_key_0123456789";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "triton-api-" + Guid.NewGuid().ToString("N"));
    public RecordingScheduler Scheduler { get; } = new();
    public ScriptedCommands Commands { get; } = new();
    public ManualProgressFeed Feed { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Triton:DataDirectory", DataDirectory);
        ServerErrorLog.AddTo(builder);
        builder.UseSetting("Triton:Bootstrap:ApiKey", Key);
        builder.UseSetting("ConnectionStrings:Triton", "");
        builder.ConfigureTestServices(services =>
        {
            services.AddDataProtection().UseEphemeralDataProtectionProvider();
            services.TryAddSingleton<ISecretProtector, DataProtectionSecrets>();
            services.AddSingleton<ICampaignScheduler>(Scheduler);
            services.AddSingleton<ICampaignCommands>(Commands);
            services.AddSingleton<ICampaignProgressFeed>(Feed);
        });
    }

    public HttpClient Client()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<TritonDbContext, Task<T>> work)
    {
        var factory = Services.GetRequiredService<IDbContextFactory<TritonDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await work(db);
    }

    /// <summary>A template, a list and a transport a campaign can point at.</summary>
    public Task<(int Template, int List, int Transport)> SeedCampaignPartsAsync(string prefix) => WithDbAsync(async db =>
    {
        var template = new Template { Name = prefix + "-template", Body = "<p>Hi {{email}}</p>", UpdatedAt = DateTimeOffset.UtcNow };
        var list = new MailingList { Name = prefix + "-list", CreatedAt = DateTimeOffset.UtcNow };
        var transport = new Transport { Name = prefix + "-transport", Kind = TransportKind.Pickup, UpdatedAt = DateTimeOffset.UtcNow };
        db.AddRange(template, list, transport);
        await db.SaveChangesAsync();
        return (template.Id, list.Id, transport.Id);
    });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>ASP.NET Core Data Protection, as the host will use it for SMTP passwords.</summary>
public sealed class DataProtectionSecrets(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector protector = provider.CreateProtector("Triton.Transports.Password");
    public string Protect(string plaintext) => protector.Protect(plaintext);
    public string Unprotect(string protectedText) => protector.Unprotect(protectedText);
}

public sealed class RecordingScheduler : ICampaignScheduler
{
    public ConcurrentQueue<int> Changed { get; } = new();

    public Task ScheduleChangedAsync(int campaignId, CancellationToken ct)
    {
        Changed.Enqueue(campaignId);
        return Task.CompletedTask;
    }
}

/// <summary>Answers each command with the result a test set, and records what was asked.</summary>
public sealed class ScriptedCommands : ICampaignCommands
{
    public CampaignCommandResult Next { get; set; } = CampaignCommandResult.Done;
    public ConcurrentQueue<(string Action, int Id)> Calls { get; } = new();

    public Task<CampaignCommandResult> RunAsync(int campaignId, CancellationToken cancellationToken) => Answer("run", campaignId);
    public Task<CampaignCommandResult> PauseAsync(int campaignId, CancellationToken cancellationToken) => Answer("pause", campaignId);
    public Task<CampaignCommandResult> StopAsync(int campaignId, CancellationToken cancellationToken) => Answer("stop", campaignId);
    public Task<CampaignCommandResult> RetryFailedAsync(int campaignId, CancellationToken cancellationToken) => Answer("retry-failed", campaignId);

    private Task<CampaignCommandResult> Answer(string action, int id)
    {
        Calls.Enqueue((action, id));
        return Task.FromResult(Next);
    }
}
