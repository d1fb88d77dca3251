using System.Text;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Triton.Core.Domain;
using Triton.Core.Lists;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Lists;

namespace Triton.Tests.Components;

/// <summary>
/// The list page's recipient grid and import report rendered by bunit over the real app's services:
/// server paging with the user's page size (search is driven in the browser flow), the write buttons only for
/// editors, and an import's bad rows by line read back from the database.
/// </summary>
public sealed class RecipientGridTests : BunitContext, IClassFixture<AdminApp>, IAsyncLifetime
{
    private readonly AdminApp app;
    private readonly BunitAuthorizationContext auth;

    public RecipientGridTests(AdminApp app)
    {
        this.app = app;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(app.Services.GetRequiredService<RecipientService>());
        Services.AddSingleton(app.Services.GetRequiredService<UserPreferences>());
        auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private async Task<int> ListAsync(int recipients)
    {
        await using var db = app.Db();
        var list = new MailingList { Name = "grid " + Guid.NewGuid().ToString("N")[..8], CreatedAt = DateTimeOffset.UtcNow,
            Columns = [new ListColumn { Name = "city", Position = 0 }] };
        db.Lists.Add(list);
        await db.SaveChangesAsync();
        for (var i = 0; i < recipients; i++)
            db.Recipients.Add(new Recipient { ListId = list.Id, Email = $"p{i}@example.com", EmailKey = $"p{i}@example.com", UserId = $"user-{i}",
                Fields = $"{{\"city\":\"City {i}\"}}", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return list.Id;
    }

    [Fact]
    public async Task The_grid_pages_on_the_server_and_offers_edits_only_to_editors()
    {
        var total = UserPreferences.DefaultPageSize + 5;
        var listId = await ListAsync(total);
        auth.SetAuthorized("editor@example.com");
        auth.SetRoles(AdminRoles.Editor);
        Render<MudPopoverProvider>();
        var grid = Render<RecipientGrid>(p => p.Add(g => g.ListId, listId).Add(g => g.Columns, ["city"]).Add(g => g.CanEdit, true));

        // The first page of the user's page size (the default when unset), in the order they were added, with their columns.
        grid.WaitForAssertion(() => Assert.Equal(UserPreferences.DefaultPageSize, grid.FindAll("tbody tr.mud-table-row").Count));
        Assert.Contains("City 0", grid.FindAll("tbody tr.mud-table-row")[0].TextContent);
        Assert.NotEmpty(grid.FindAll("button[aria-label=\"Edit\"]"));
        Assert.NotNull(grid.Find("[data-action=\"add-recipient\"]"));

        // The total comes from the server's count, not from the rows shown.
        Assert.Contains($"1-{UserPreferences.DefaultPageSize} of {total}", grid.Markup);
    }

    [Fact]
    public async Task A_viewer_sees_the_rows_without_write_buttons()
    {
        var listId = await ListAsync(2);
        auth.SetAuthorized("viewer@example.com");
        auth.SetRoles(AdminRoles.Viewer);
        Render<MudPopoverProvider>();
        var grid = Render<RecipientGrid>(p => p.Add(g => g.ListId, listId).Add(g => g.Columns, ["city"]).Add(g => g.CanEdit, false));

        grid.WaitForAssertion(() => Assert.Equal(2, grid.FindAll("tbody tr.mud-table-row").Count));
        Assert.Empty(grid.FindAll("button[aria-label=\"Edit\"]"));
        Assert.Empty(grid.FindAll("[data-action=\"add-recipient\"]"));
    }

    [Fact]
    public async Task The_import_panel_shows_the_last_imports_bad_rows_by_line_from_the_database()
    {
        var listId = await ListAsync(0);
        var csv = "email,city\nann@example.com,Oslo\nnot-an-address,Bergen\nbob@example.com,Tromsø\n";
        var result = await app.Services.GetRequiredService<RecipientService>().ImportAsync(
            listId, new MemoryStream(Encoding.UTF8.GetBytes(csv)), "grid-import", csv.Length, null, CancellationToken.None);
        Assert.Equal(2, result.Value!.Added);

        auth.SetAuthorized("viewer@example.com");
        auth.SetRoles(AdminRoles.Viewer);
        var panel = Render<CsvImport>(p => p.Add(c => c.ListId, listId).Add(c => c.Columns, ["city"]).Add(c => c.CanEdit, false));

        panel.WaitForAssertion(() => Assert.Equal("true", panel.Find("[data-import-report]").GetAttribute("data-done")));
        Assert.Equal("2", panel.Find("[data-import-added]").TextContent);
        Assert.Contains("not a valid email address", panel.Find("tr[data-line=\"3\"]").TextContent);
        // A viewer has no upload.
        Assert.Empty(panel.FindAll("input[type=file]"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services dispose only asynchronously.</summary>
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
