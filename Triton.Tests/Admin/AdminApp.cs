using Triton.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Triton.Tests.Admin;

/// <summary>
/// The real app on a real Kestrel port over a fresh SQLite database, with a configured first admin.
/// </summary>
public sealed class AdminApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "Admin-Passw0rd!";

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "triton-admin-" + Guid.NewGuid().ToString("N"));

    public AdminApp()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
    }

    public Uri BaseAddress { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Triton:DataDirectory", dataDirectory);
        ServerErrorLog.AddTo(builder);
        builder.UseSetting("Triton:Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("Triton:Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting(WebHostDefaults.WebRootKey, WebRoot());
    }


    /// <summary>Triton.Web/wwwroot in the source tree, with the npm libraries the build copied in.</summary>
    private static string WebRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Triton.sln")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Triton.sln not found above the test binaries"), "Triton.Web", "wwwroot");
    }

    /// <summary>An HTTP client on the real port that keeps cookies and does not follow redirects.</summary>
    public HttpClient CreateBrowserlessClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        { BaseAddress = BaseAddress };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
