using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Triton.Web.Components.Campaigns;

/// <summary>
/// Sends what one progress push changed on a page in one render batch. Each live part re-renders itself, and a
/// component that re-renders while no batch is under way gets a batch of its own: one message over the circuit and one
/// acknowledgement from the browser each, for a few numbers. Blazor renders every component queued while a batch renders
/// in that same batch, so the page hands its push here, and the push runs while this (empty) component renders: every
/// part it moves joins one batch. Renders nothing; place it once on a page, before the parts.
/// </summary>
public sealed class LivePush : ComponentBase
{
    private Action? pending;

    /// <summary>
    /// Runs <paramref name="push"/> (which publishes to the page's <see cref="LiveProgress"/>es) inside one render batch.
    /// Call it on the renderer's dispatcher (inside InvokeAsync).
    /// </summary>
    public void Run(Action push)
    {
        pending += push;
        StateHasChanged();
    }

    /// <summary>Runs <paramref name="push"/> in one render batch through <paramref name="batch"/>, or at once while the page has not placed it yet.</summary>
    public static void Run(LivePush? batch, Action push)
    {
        if (batch is null) push();
        else batch.Run(push);
    }

    protected override bool ShouldRender() => pending is not null;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        var push = pending;
        pending = null;
        push?.Invoke();
    }
}
