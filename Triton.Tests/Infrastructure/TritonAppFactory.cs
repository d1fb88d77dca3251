using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using Triton.Core.Access;

namespace Triton.Tests.Infrastructure;

/// <summary>
/// The real application on a test database (either provider) and its own temp data directory,
/// with configuration overrides such as Sending:Workers. <see cref="CreateApiClient"/> gives an
/// HttpClient carrying the bootstrap API key.
/// </summary>
public sealed class TritonAppFactory : WebApplicationFactory<Program>
{
    private readonly Action<IServiceCollection>? _testServices;
    private readonly Dictionary<string, string?> _settings;

    public TritonAppFactory(
        TestDatabase database,
        IReadOnlyDictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? testServices = null)
    {
        _testServices = testServices;
        DataDirectory = Directory.CreateTempSubdirectory("triton-data-").FullName;
        ApiKey = ApiKeySecrets.Generate();
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Database:Provider"] = database.Provider.ToString(),
            ["ConnectionStrings:Triton"] = database.ConnectionString,
            ["Triton:DataDirectory"] = DataDirectory,
            ["Triton:Bootstrap:ApiKey"] = ApiKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            _settings[key] = value;
        ApiKey = _settings["Triton:Bootstrap:ApiKey"] ?? ApiKey;
    }

    public string DataDirectory { get; }

    /// <summary>The plain API key (Triton:Bootstrap:ApiKey) the API client authenticates with.</summary>
    public string ApiKey { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting reaches the configuration before Program reads it to register services.
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        ServerErrorLog.AddTo(builder);
        // Only for parts that cannot run for real in a test; the app's own registrations stay otherwise.
        if (_testServices is not null)
            builder.ConfigureTestServices(_testServices);
    }

    /// <summary>
    /// The started host, once Quartz runs: its hosted service starts the scheduler in the background
    /// after the host has started, and a test reading health or firing schedules at once would race it.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        var scheduler = host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler().GetAwaiter().GetResult();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (scheduler.GetStatus().AsTask().GetAwaiter().GetResult() != SchedulerStatus.Running && DateTime.UtcNow < deadline)
            Thread.Sleep(20);
        return host;
    }

    /// <summary>
    /// An HttpClient sending "Authorization: Bearer {ApiKey}". The application itself creates the
    /// key from Triton:Bootstrap:ApiKey on the empty test database at start-up.
    /// </summary>
    public HttpClient CreateApiClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
    }
}
