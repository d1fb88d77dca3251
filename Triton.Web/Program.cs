using Triton.Core;
using Triton.Core.Data;
using Triton.Web;
using Triton.Web.Admin;
using Triton.Web.Security.KeyRing;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json is copied beside the binaries from the repository root.
    ContentRootPath = AppContext.BaseDirectory,
});

// blazor.web.js and MudBlazor's files are static web assets: served from the build output (scripts/run.sh,
// the tests) as well as when published.
builder.WebHost.UseStaticWebAssets();
builder.Services.AddTritonCore(builder.Configuration);
builder.Services.AddTritonWeb(builder.Configuration);

var app = builder.Build();
await app.Services.PrepareTritonDatabaseAsync(app.Lifetime.ApplicationStopping);
await app.Services.PrepareTritonKeyRingAsync(app.Lifetime.ApplicationStopping);
await app.Services.PrepareTritonAdminAsync(app.Lifetime.ApplicationStopping);

// `dotnet Triton.Web.dll autotest [--no-email]`: test every active trigger once, exit 1 on failures.
if (args.FirstOrDefault() == "autotest")
    return await AutotestCommand.RunAsync(app.Services, email: !args.Contains("--no-email"), Console.Out);

app.UseTritonWeb();
app.Run();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
