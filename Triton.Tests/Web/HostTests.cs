using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Tests.Infrastructure;

namespace Triton.Tests.Web;

/// <summary>The application starts, migrates its database and answers, on each provider.</summary>
public sealed class HostTests
{
    [Fact]
    public Task Sqlite_app_starts_and_health_answers_200() => AssertHealthyAsync(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task Postgres_app_starts_and_health_answers_200() => AssertHealthyAsync(DatabaseProvider.Postgres);

    [Fact]
    public async Task Every_api_endpoint_without_a_key_answers_401()
    {
        await using var database = new SqliteTestDatabase();
        await using var app = new TritonAppFactory(database);
        using var client = app.CreateClient();
        var endpoints = ApiEndpoints.List(app.Services);
        Assert.True(endpoints.Count > 0, "No endpoint is mapped under /api yet.");
        // Only the cron endpoint checks its own secret; any other anonymous /api endpoint is a hole.
        Assert.Equal([("POST", "/api/cron/process-email-queue")], ApiEndpoints.Anonymous(app.Services));

        foreach (var (method, path) in endpoints)
        {
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} without a key");
        }
    }

    [Fact]
    public async Task Api_with_a_wrong_key_answers_401_and_with_the_bootstrap_key_is_let_in()
    {
        await using var database = new SqliteTestDatabase();
        await using var app = new TritonAppFactory(database);
        using var client = app.CreateApiClient();
        var (method, path) = ApiEndpoints.List(app.Services).FirstOrDefault(e => e.Method == "GET");
        Assert.True(path is not null, "No GET endpoint is mapped under /api yet.");

        using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
        wrong.Headers.Authorization = new("Bearer", "trk_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);

        var response = await client.GetAsync(path);
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static async Task AssertHealthyAsync(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new TritonAppFactory(database, new Dictionary<string, string?> { ["Sending:Workers"] = "2" });
        using var client = app.CreateClient();

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("healthy", await response.Content.ReadAsStringAsync());
        // The overrides reached the app: it runs on the test database, which it migrated.
        var options = app.Services.GetRequiredService<DatabaseOptions>();
        Assert.Equal(database.Provider, options.Provider);
        Assert.Equal(database.ConnectionString, options.ConnectionString);
        await using var db = database.CreateContext();
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
    }
}
