using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.Components;

namespace Triton.Tests.Components;

/// <summary>
/// A page that is still loading renders again when its data arrives (and MudBlazor inputs render again
/// after a change), so an element found just before such a render carries a handler id the renderer has
/// dropped. The find and the action run together on the renderer's dispatcher, so no render comes between them
/// (an event dispatched later fails inside the renderer and surfaces at the next wait, out of reach of a retry);
/// a stale id fails before any handler runs, so the action is safe to repeat on a fresh find.
/// </summary>
public static class StaleHandlers
{
    public static void Retry<T>(IRenderedComponent<T> on, Action findAndAct) where T : IComponent
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                on.InvokeAsync(findAndAct).GetAwaiter().GetResult();
                return;
            }
            catch (UnknownEventHandlerIdException) when (attempt < 5) { }
        }
    }
}
