using Triton.Tests.Infrastructure;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Triton.Core.Access;
using Triton.Core.Domain;
using Triton.Tests.Admin;
using Triton.Web.Access;

namespace Triton.Tests.Security;

/// <summary>
/// The real app on a real Kestrel port over its own SQLite file, with settings per test class and the
/// log captured, so tests can read what the app printed (the setup code, refusals).
/// </summary>
public sealed class SecurityApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "Admin-Passw0rd!";
    public const string CronSecret = "cron-secret-for-the-security-tests-0123";

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "triton-security-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> settings;
    private readonly Action<string>? prepareDataDirectory;

    /// <param name="withAdmin">Configure a first admin (false: the database starts without users, for /setup).</param>
    public SecurityApp(IReadOnlyDictionary<string, string?>? overrides = null, bool withAdmin = true, Action<string>? prepareDataDirectory = null)
    {
        this.prepareDataDirectory = prepareDataDirectory;
        settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Triton:DataDirectory"] = dataDirectory,
            ["Triton:CronSecret"] = CronSecret,
            ["Sending:Workers"] = "1",
            ["urls"] = "http://127.0.0.1:0",
        };
        if (withAdmin)
        {
            settings["Triton:Bootstrap:AdminEmail"] = AdminEmail;
            settings["Triton:Bootstrap:AdminPassword"] = AdminPassword;
        }
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
    }

    public Uri BaseAddress { get; }
    public string DataDirectory => dataDirectory;
    public ConcurrentQueue<string> Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(dataDirectory);
        prepareDataDirectory?.Invoke(dataDirectory);
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        ServerErrorLog.AddTo(builder);
        builder.UseSetting(WebHostDefaults.WebRootKey, WebRoot());
        builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Log)));
    }

    /// <summary>A client on the real port that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress };

    /// <summary>A client signed in as the configured admin, or as a new user of <paramref name="role"/>.</summary>
    public async Task<HttpClient> SignedInAsync(string role = AdminRoles.Admin)
    {
        var (email, password) = role == AdminRoles.Admin && settings.ContainsKey("Triton:Bootstrap:AdminEmail")
            ? (AdminEmail, AdminPassword)
            : await CreateUserAsync(role);
        return await SignInAsync(email, password);
    }

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Client();
        var response = await AdminFormsTests.SignInAsync(client, email, password, "/");
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Sign-in of {email} answered {(int)response.StatusCode}");
        return client;
    }

    public async Task<(string Email, string Password)> CreateUserAsync(string role)
    {
        var (email, password) = ($"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.com", "Signed-In-Passw0rd!");
        using var scope = Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().CreateUserAsync(email, password, role);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return (email, password);
    }

    /// <summary>A new API key of the scope, through the same service the admin page uses.</summary>
    public async Task<string> CreateKeyAsync(ApiScope scope, DateTimeOffset? expiresAt = null)
    {
        var created = await Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new ApiKeyRequest($"{scope}-{Guid.NewGuid():N}", scope, expiresAt), CancellationToken.None);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Values));
        return created.Created!.Secret;
    }

    public HttpClient KeyClient(string key)
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static string WebRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Triton.sln")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Triton.sln not found above the test binaries"), "Triton.Web", "wwwroot");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, log);
        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<string> log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) log.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
            }
        }
    }
}
