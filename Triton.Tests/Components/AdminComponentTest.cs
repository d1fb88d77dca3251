using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Triton.Core.Campaigns;
using Triton.Core.Groups;
using Triton.Core.Mail;
using Triton.Tests.Admin;
using Triton.Web.Access;

namespace Triton.Tests.Components;

/// <summary>
/// An interactive admin component rendered by bunit over the real app's services (its SQLite
/// database and Core services); only the progress feed is the test's own.
/// </summary>
public abstract class AdminComponentTest : BunitContext, IAsyncLifetime
{
    /// <summary>The app's scoped services (the trigger service) live in this scope, as in a circuit.</summary>
    private readonly IServiceScope scope;

    protected AdminComponentTest(AdminApp app)
    {
        App = app;
        scope = app.Services.CreateScope();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<ICampaignProgressFeed>(Feed);
        Services.AddSingleton(TimeProvider.System);
        foreach (var type in new[] { typeof(CampaignService), typeof(CampaignCatalog), typeof(ICampaignCommands), typeof(TransportService), typeof(GroupService), typeof(UserPreferences), typeof(Triton.Core.Access.ApiKeyService), typeof(Triton.Core.Health.ServerHealthService), typeof(Triton.Core.Suppressions.SuppressionService), typeof(Triton.Core.Bounces.BounceMailboxSettingsService), typeof(Microsoft.Extensions.Options.IOptions<Triton.Core.Sending.SendingOptions>), typeof(CampaignTester), typeof(Triton.Core.Lists.RecipientService), typeof(Triton.Core.Triggers.EventContractService), typeof(Triton.Core.Triggers.TriggerTester), typeof(Triton.Core.Triggers.TriggerAutotest), typeof(Triton.Core.Tracking.TrackingStats) })
            Services.AddSingleton(type, app.Services.GetRequiredService(type));
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<Triton.Core.Triggers.TriggerService>());
        // The pages' pushes come from the test's feed.
        Services.AddSingleton<Triton.Web.Components.Campaigns.ProgressPace>();
        Auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        // Selects and pickers open their lists in the popover provider, as the layout renders it.
        Popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
    }

    protected AdminApp App { get; }
    internal ManualProgressFeed Feed { get; } = new();
    protected BunitAuthorizationContext Auth { get; }

    /// <summary>Where the lists of selects and autocompletes open their items.</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; }

    /// <summary>Where confirm dialogs open.</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; }

    /// <summary>Signs in as no stored user: pages read the default settings (UTC, the default page size).</summary>
    protected void SignIn(string role)
    {
        Auth.SetAuthorized("someone@example.com");
        Auth.SetRoles(role);
    }

    /// <summary>
    /// Signs in as a stored user whose settings name <paramref name="timeZone"/>, saved as the settings page
    /// saves them, so a page reads the zone through UserPreferences as it does for a real sign-in.
    /// </summary>
    protected async Task SignInWithZoneAsync(string role, string timeZone)
    {
        var email = $"zone-{Guid.NewGuid():N}@example.com";
        string id;
        using (var scope = App.Services.CreateScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().CreateUserAsync(email, "Long-Enough-Passw0rd", role);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
            id = (await scope.ServiceProvider.GetRequiredService<UserManager<AdminUser>>().FindByEmailAsync(email))!.Id;
        }
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id)], "test"));
        Assert.Empty(await App.Services.GetRequiredService<UserPreferences>().SaveAsync(user, new UserSettings(UserPreferences.DefaultPageSize, null, timeZone)));
        Auth.SetAuthorized(email);
        Auth.SetRoles(role);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, id));
    }

    /// <summary>Opens the select labelled <paramref name="label"/> and answers the texts of its items, as listed.</summary>
    protected IReadOnlyList<string> OpenSelect<T>(IRenderedComponent<T> component, string label) where T : IComponent
    {
        StaleHandlers.Retry(component, () => Field(component, label).MouseDown());
        Popovers.WaitForAssertion(() => Assert.NotEmpty(Popovers.FindAll("div.mud-list-item")), TimeSpan.FromSeconds(10));
        return Popovers.FindAll("div.mud-list-item").Select(i => i.TextContent.Trim()).ToList();
    }

    /// <summary>Picks the item named <paramref name="text"/> of the select that is open.</summary>
    protected void PickItem(string text) =>
        StaleHandlers.Retry(Popovers, () => Popovers.FindAll("div.mud-list-item").Single(i => i.TextContent.Trim() == text).Click());

    /// <summary>The MudBlazor field (.mud-input-control) whose label says <paramref name="label"/>.</summary>
    protected static IElement Field<T>(IRenderedComponent<T> component, string label) where T : IComponent =>
        component.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == label);

    /// <summary>
    /// Types into the field labelled <paramref name="label"/>. A page that is still loading renders again
    /// when its data arrives, and an input found before that render carries a handler id the renderer has
    /// dropped: such a miss finds the field again instead of failing.
    /// </summary>
    protected static void Enter<T>(IRenderedComponent<T> component, string label, string value) where T : IComponent =>
        StaleHandlers.Retry(component, () => Field(component, label).QuerySelector("input")!.Change(value));

    /// <summary>Clicks the button named <paramref name="name"/>, found again if the page re-rendered in between (as <see cref="Enter{T}"/>).</summary>
    protected static void Click<T>(IRenderedComponent<T> component, string name) where T : IComponent =>
        StaleHandlers.Retry(component, () => Button(component, name).Click());

    /// <summary>The text under a field: its error, for the fields these tests check have no helper text.</summary>
    protected static string ErrorAt(IElement field) =>
        string.Concat(field.QuerySelectorAll(".mud-input-helper-text").Select(e => e.TextContent)).Trim();

    protected static IElement Button<T>(IRenderedComponent<T> component, string name) where T : IComponent =>
        component.FindAll("button").Single(b => b.TextContent.Trim() == name);

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services dispose only asynchronously; the scope after the components that used it.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        scope.Dispose();
    }
}
