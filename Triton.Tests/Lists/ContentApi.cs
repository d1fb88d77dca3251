using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Access;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Tests.Lists;

/// <summary>
/// The real host over a SQLite file in a temp directory, with an API key inserted and a client that
/// sends it. Local to these tests until the shared fixtures land.
/// </summary>
public sealed class ContentApi(Action<IServiceCollection>? services = null) : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "triton-content-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? _factory;

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Triton:DataDirectory", _directory);
            builder.UseSetting("ConnectionStrings:Triton", $"Data Source={Path.Combine(_directory, "triton.db")}");
            builder.UseSetting("Database:Provider", "sqlite");
            if (services is not null) builder.ConfigureServices(services);
        });
        Client = _factory.CreateClient();
        Client.Timeout = TimeSpan.FromMinutes(5);
        const string key = "triton_test_key_0123456789abcdef";
        await WithDbAsync(async db =>
        {
            db.ApiKeys.Add(new ApiKey { Name = "tests", Prefix = key[..8], Hash = ApiKeySecrets.Hash(key), CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task WithDbAsync(Func<TritonDbContext, Task> action)
    {
        using var scope = _factory!.Services.CreateScope();
        await action(scope.ServiceProvider.GetRequiredService<TritonDbContext>());
    }

    public async Task<T> WithDbAsync<T>(Func<TritonDbContext, Task<T>> action)
    {
        using var scope = _factory!.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<TritonDbContext>());
    }

    public Task AddGroupAsync(string name, GroupScope scope) => WithDbAsync(async db =>
    {
        db.Groups.Add(new Group { Name = name, Scope = scope });
        await db.SaveChangesAsync();
    });

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
