using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Access;
using Triton.Core.Data;
using Triton.Core.Domain;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Triton.Tests.Admin;
using Triton.Tests.Infrastructure;
using Triton.Web.Api;

namespace Triton.Tests.Security;

/// <summary>API keys: scopes, expiry, revocation, the admin page, the bootstrap key's length, the cron secret.</summary>
public sealed partial class ApiKeyTests : IClassFixture<ApiKeyTests.KeyApp>
{
    public sealed class KeyApp() : IDisposable
    {
        public SecurityApp App { get; } = new(new Dictionary<string, string?> { ["Triton:ApiAuthLimit:MaxFailures"] = "1000" });
        public void Dispose() => App.Dispose();
    }

    private readonly SecurityApp app;

    public ApiKeyTests(KeyApp fixture) => app = fixture.App;

    [Fact]
    public async Task A_key_with_too_small_a_scope_gets_403_naming_the_missing_scope()
    {
        using var read = app.KeyClient(await app.CreateKeyAsync(ApiScope.Read));
        using var send = app.KeyClient(await app.CreateKeyAsync(ApiScope.Send));

        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync("/api/campaigns")).StatusCode);
        var refused = await read.PostAsync("/api/campaigns/1/run", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("send", problem.GetProperty("requiredScope").GetString());
        Assert.Contains("'read' scope", problem.GetProperty("detail").GetString());

        // send may run campaigns (here: none exists) but not create transports.
        Assert.Equal(HttpStatusCode.NotFound, (await send.PostAsync("/api/campaigns/987654/run", null)).StatusCode);
        var transport = await send.PostAsync("/api/transports", Json("{\"name\":\"x\",\"kind\":\"pickup\"}"));
        Assert.Equal(HttpStatusCode.Forbidden, transport.StatusCode);
        Assert.Contains("\"requiredScope\":\"admin\"", await transport.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Expired_and_revoked_keys_are_refused_and_last_use_is_recorded()
    {
        var keys = app.Services.GetRequiredService<ApiKeyService>();
        var secret = await app.CreateKeyAsync(ApiScope.Read, expiresAt: DateTimeOffset.UtcNow.AddSeconds(2));
        using var client = app.KeyClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/groups")).StatusCode);
        var stored = (await keys.ListAsync(default)).Single(k => k.Hash == ApiKeySecrets.Hash(secret));
        Assert.NotNull(stored.LastUsedAt);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var expired = await client.GetAsync("/api/groups");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("Bearer", expired.Headers.WwwAuthenticate.Single().Scheme);

        var revokedSecret = await app.CreateKeyAsync(ApiScope.Admin);
        using var revoked = app.KeyClient(revokedSecret);
        Assert.Equal(HttpStatusCode.OK, (await revoked.GetAsync("/api/groups")).StatusCode);
        var row = (await keys.ListAsync(default)).Single(k => k.Hash == ApiKeySecrets.Hash(revokedSecret));
        Assert.True(await keys.RevokeAsync(row.Id, default));
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/groups")).StatusCode);
    }

    [Fact]
    public async Task Expiry_in_the_past_and_a_blank_name_are_refused_by_name()
    {
        var keys = app.Services.GetRequiredService<ApiKeyService>();
        var result = await keys.CreateAsync(new ApiKeyRequest(" ", ApiScope.Read, DateTimeOffset.UtcNow.AddMinutes(-1)), default);
        Assert.False(result.Succeeded);
        Assert.Contains("Name", result.Errors.Keys);
        Assert.Contains("ExpiresAt", result.Errors.Keys);
    }

    [Fact]
    public async Task A_short_bootstrap_key_is_refused_with_a_clear_error_and_the_app_still_starts()
    {
        using var short_ = new SecurityApp(new Dictionary<string, string?> { ["Triton:Bootstrap:ApiKey"] = "change-me" });
        Assert.Contains(short_.Log, line => line.StartsWith("Error") && line.Contains("Triton:Bootstrap:ApiKey was refused") && line.Contains("at least 32"));
        Assert.Empty(await short_.Services.GetRequiredService<ApiKeyService>().ListAsync(default));
        using var client = short_.KeyClient("change-me");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/groups")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await short_.Client().GetAsync("/health")).StatusCode);

        const string good = "trk_a_long_enough_bootstrap_key_0123456789";
        using var long_ = new SecurityApp(new Dictionary<string, string?> { ["Triton:Bootstrap:ApiKey"] = good });
        var key = Assert.Single(await long_.Services.GetRequiredService<ApiKeyService>().ListAsync(default));
        Assert.Equal(ApiScope.Admin, key.Scope);
        using var admin = long_.KeyClient(good);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/groups", Json("{\"name\":\"g\",\"scope\":\"list\"}"))).StatusCode);
    }

    [Fact]
    public async Task Keys_from_before_scopes_become_admin()
    {
        await using var database = new SqliteTestDatabase();
        await using var db = database.CreateContext();
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync("20261124010000_SendingDays");
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO api_keys (name, prefix, hash, created_at) VALUES ('old', 'trk_old_', 'oldhash', '2026-01-01 00:00:00+00:00')");
        await migrator.MigrateAsync();
        var key = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Name == "old");
        Assert.Equal(ApiScope.Admin, key.Scope);
        Assert.Null(key.ExpiresAt);
        Assert.Null(key.RevokedAt);
    }

    [Theory]
    [InlineData("right-secret", "right-secret", true)]
    [InlineData("right-secret", "right-secreT", false)]
    [InlineData("right-secret", "right", false)]
    [InlineData("right-secret", "right-secret-and-more", false)]
    [InlineData("right-secret", "", false)]
    [InlineData("sécret-ü", "sécret-ü", true)]
    public void The_cron_secret_comparison_is_exact_whatever_the_lengths(string secret, string presented, bool equal) =>
        Assert.Equal(equal, CronEndpoints.SecretEquals(presented, secret));

    [Fact]
    public async Task The_cron_endpoint_takes_its_secret_and_nothing_else()
    {
        using var anonymous = app.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/cron/process-email-queue", null)).StatusCode);
        using var key = app.KeyClient(await app.CreateKeyAsync(ApiScope.Admin));
        Assert.Equal(HttpStatusCode.Unauthorized, (await key.PostAsync("/api/cron/process-email-queue", null)).StatusCode);
        using var cron = app.KeyClient(SecurityApp.CronSecret);
        Assert.Equal(HttpStatusCode.OK, (await cron.PostAsync("/api/cron/process-email-queue", null)).StatusCode);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

}
