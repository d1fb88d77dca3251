using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
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
    protected AdminComponentTest(AdminApp app)
    {
        App = app;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<ICampaignProgressFeed>(Feed);
        Services.AddSingleton(TimeProvider.System);
        foreach (var type in new[] { typeof(CampaignService), typeof(CampaignCatalog), typeof(ICampaignCommands), typeof(TransportService), typeof(GroupService), typeof(UserPreferences), typeof(Triton.Core.Access.ApiKeyService), typeof(Triton.Core.Health.ServerHealthService), typeof(Triton.Core.Suppressions.SuppressionService), typeof(Triton.Core.Bounces.BounceMailboxSettingsService), typeof(Triton.Web.Components.Campaigns.ProgressPace) })
            Services.AddSingleton(type, app.Services.GetRequiredService(type));
        Auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        // Selects and pickers open their lists in the popover provider, as the layout renders it.
        Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
    }

    protected AdminApp App { get; }
    internal ManualProgressFeed Feed { get; } = new();
    protected BunitAuthorizationContext Auth { get; }

    /// <summary>Where confirm dialogs open.</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; }

    protected void SignIn(string role)
    {
        Auth.SetAuthorized("someone@example.com");
        Auth.SetRoles(role);
    }

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

    /// <summary>MudBlazor's services dispose only asynchronously.</summary>
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
