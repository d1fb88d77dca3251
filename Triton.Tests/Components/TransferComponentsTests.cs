using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Triton.Core.Archive;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Transfer;
using Triton.Tests.Sending;
using Triton.Tests.Transfer;
using Triton.Web.Access;
using Triton.Web.Components.Archive;
using Triton.Web.Components.Transfer;

namespace Triton.Tests.Components;

/// <summary>The import page, the export button and the archived-copy page, rendered by bunit over real apps' services.</summary>
public sealed class TransferComponentsTests : BunitContext, IAsyncLifetime
{
    private const string Key = "a transfer secret for the component tests";

    public TransferComponentsTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services dispose only asynchronously.</summary>
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>
    /// Signs in with the role, once every service is registered (the context refuses registrations after);
    /// the pages read the user's settings from <paramref name="app"/>.
    /// </summary>
    private void SignIn(string role, IServiceProvider app)
    {
        Services.AddSingleton(app.GetRequiredService<UserPreferences>());
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.com");
        auth.SetRoles(role);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public async Task The_import_page_shows_the_plan_of_an_uploaded_file_and_applies_it_only_on_Apply()
    {
        await using var source = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, new() { ["Triton:TransferKey"] = Key });
        var seed = await TransferSeed.CreateAsync(source.Database, recipients: 3);
        await using (var sourceFile = new MemoryStream())
        {
            var transfer = source.Services.GetRequiredService<TransferService>();
            var set = (await transfer.PrepareExportAsync(TransferKind.Campaign, seed.CampaignId, true, default)).Value!;
            await transfer.WriteExportAsync(set, sourceFile, default);

            await using var target = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, new() { ["Triton:TransferKey"] = Key });
            await TransferSeed.AddTransportAsync(target.Database);
            Services.AddSingleton(target.Services.GetRequiredService<TransferService>());
            SignIn(AdminRoles.Admin, target.Services);

            var before = await TransferSeed.CountsAsync(target.Database);
            var page = Render<ImportPage>();
            page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(sourceFile.ToArray(), "spring.triton"));
            page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-plan]")), TimeSpan.FromSeconds(20));
            Assert.Equal(9, page.FindAll("[data-plan-item=create]").Count);
            Assert.Contains("Plan", page.Find("[data-plan]").TextContent);
            Assert.Equal(before, await TransferSeed.CountsAsync(target.Database));

            await page.Find("[data-apply]").ClickAsync(new());
            page.WaitForAssertion(() => Assert.Contains("Imported", page.Find("[data-plan]").TextContent), TimeSpan.FromSeconds(20));
            await using var db = target.Database.CreateContext();
            var list = await db.Lists.SingleAsync(l => l.Name == "Customers");
            Assert.Equal(3, await db.Recipients.CountAsync(r => r.ListId == list.Id));
            Assert.True(await db.Campaigns.AnyAsync(c => c.Name == "Spring sale"));
        }
    }

    [Fact]
    public async Task The_import_page_says_what_is_wrong_with_a_file_it_cannot_open()
    {
        await using var target = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, new() { ["Triton:TransferKey"] = Key });
        Services.AddSingleton(target.Services.GetRequiredService<TransferService>());
        SignIn(AdminRoles.Admin, target.Services);

        var page = Render<ImportPage>();
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("not a triton file", "notes.triton"));
        page.WaitForAssertion(() => Assert.Contains("not a .triton file", page.Find("[data-import-error]").TextContent), TimeSpan.FromSeconds(20));
        Assert.Empty(page.FindAll("[data-plan]"));
    }

    [Theory]
    [InlineData(AdminRoles.Admin, true)]
    [InlineData(AdminRoles.Editor, false)]
    [InlineData(AdminRoles.Viewer, false)]
    public async Task The_export_button_is_an_admins_download_link(string role, bool shown)
    {
        await using var app = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, new() { ["Triton:TransferKey"] = Key });
        Services.AddSingleton(app.Services.GetRequiredService<TransferService>());
        SignIn(role, app.Services);

        var button = Render<ExportButton>(p => p.Add(b => b.Kind, TransferKind.List).Add(b => b.Id, 7).Add(b => b.Recipients, true));
        var links = button.FindAll("a[data-export-button]");
        Assert.Equal(shown ? 1 : 0, links.Count);
        if (shown) Assert.Equal("/export/list/7?recipients=true", links[0].GetAttribute("href"));
    }

    [Fact]
    public async Task Without_a_transfer_key_the_export_button_is_disabled_and_the_import_page_says_why()
    {
        await using var app = await EngineScenario.StartAsync(DatabaseProvider.Sqlite);
        Services.AddSingleton(app.Services.GetRequiredService<TransferService>());
        SignIn(AdminRoles.Admin, app.Services);

        var button = Render<ExportButton>(p => p.Add(b => b.Kind, TransferKind.Campaign).Add(b => b.Id, 1));
        Assert.Empty(button.FindAll("a[data-export-button]"));
        Assert.True(button.Find("button[data-export-button]").HasAttribute("disabled"));
        Assert.Contains("Triton:TransferKey is not configured", Render<ImportPage>().Markup);
    }

    [Fact]
    public async Task The_archived_copy_page_shows_a_delivery_as_it_was_sent()
    {
        await using var app = await EngineScenario.StartAsync(DatabaseProvider.Sqlite, new() { ["Archive:Campaigns"] = "true" });
        var id = await app.CreateCampaignAsync(["grace@example.test"]);
        await app.Commands.RunAsync(id, default);
        await app.WaitForAsync(id, c => c.State == CampaignState.Finished);
        var delivery = Assert.Single(await app.DeliveriesAsync(id));
        Services.AddSingleton(app.Services.GetRequiredService<OutboxCatalog>());
        SignIn(AdminRoles.Admin, app.Services);

        var page = Render<ArchivedMessagePage>(p => p.Add(c => c.DeliveryId, delivery.Id));
        page.WaitForAssertion(() => Assert.Equal("grace@example.test", page.Find("[data-recipient]").TextContent), TimeSpan.FromSeconds(10));
        Assert.StartsWith("Hi N", page.Find("[data-subject]").TextContent);
        // The HTML tab shows first, in a frame without scripts.
        Assert.Contains("Hello N", page.Find("iframe[sandbox]").GetAttribute("srcdoc"));
        Assert.StartsWith("/archive/", page.Find("[data-download]").GetAttribute("href"));

        var missing = Render<ArchivedMessagePage>(p => p.Add(c => c.DeliveryId, 987654L));
        missing.WaitForAssertion(() => Assert.Contains("No archived copy", missing.Markup));
    }
}
