using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Triton.Core.Health;
using Triton.Tests.Infrastructure;
using Triton.Web.Components.Health;

namespace Triton.Tests.Components;

/// <summary>The dashboard's health panel rendered by bunit over a real app's health service (SQLite).</summary>
public sealed class HealthPanelTests : BunitContext, IAsyncLifetime
{
    private readonly SqliteTestDatabase database = new();
    private TritonAppFactory app = null!;

    public Task InitializeAsync()
    {
        app = new TritonAppFactory(database);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(app.Services.GetRequiredService<ServerHealthService>());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    [Fact]
    public void Shows_each_part_and_turns_a_directory_red_when_it_cannot_be_written()
    {
        var panel = Render<HealthPanel>();
        panel.WaitForAssertion(() => Assert.NotEmpty(panel.FindAll("[data-health=directory]")), TimeSpan.FromSeconds(10));
        foreach (var part in new[] { "database", "queue", "scheduler", "triggers", "bounce-mailbox", "links", "load", "memory" })
            Assert.Single(panel.FindAll($"[data-health={part}]"));
        Assert.All(panel.FindAll("[data-health=directory]"), row => Assert.Equal("ok", row.GetAttribute("data-health-state")));
        Assert.Contains("not configured", panel.Find("[data-health=bounce-mailbox]").TextContent);
        Assert.Contains("running", panel.Find("[data-health=scheduler]").TextContent);
        // No Triton:PublicUrl in this app: what that costs is said where the admin looks.
        Assert.Equal("failing", panel.Find("[data-health=links]").GetAttribute("data-health-state"));
        Assert.Contains("no one-click List-Unsubscribe URL", panel.Find("[data-health=links]").TextContent);

        // A file where the pickup folder should be: nothing can be written there, whoever runs the test.
        var pickup = Path.Combine(app.DataDirectory, "pickup");
        if (Directory.Exists(pickup)) Directory.Delete(pickup, recursive: true);
        File.WriteAllText(pickup, "in the way");
        panel.Find("[data-health-refresh]").Click();
        panel.WaitForAssertion(() =>
        {
            var failing = Assert.Single(panel.FindAll("[data-health=directory][data-health-state=failing]"));
            Assert.Contains("pickup", failing.TextContent);
            Assert.Contains("not writable", failing.TextContent);
            Assert.Contains("mud-chip-color-error", failing.InnerHtml);
        }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_public_url_shows_as_where_links_point()
    {
        await using var withUrl = new TritonAppFactory(database, new Dictionary<string, string?> { ["Triton:PublicUrl"] = "https://mail.example.com/" });
        var health = await withUrl.Services.GetRequiredService<ServerHealthService>().ReadAsync(default);
        Assert.Equal("https://mail.example.com", health.PublicBaseUrl);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await app.DisposeAsync();
        await database.DisposeAsync();
    }
}
