using Bunit.Rendering;

namespace Triton.Tests.Components;

/// <summary>
/// A page that is still loading renders again when its data arrives (and MudBlazor inputs render again
/// after a change), so an element found just before such a render carries a handler id the renderer has
/// dropped. A stale id fails before any handler runs, so the action is safe to repeat on a fresh find.
/// </summary>
public static class StaleHandlers
{
    public static void Retry(Action findAndAct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                findAndAct();
                return;
            }
            catch (UnknownEventHandlerIdException) when (attempt < 5) { }
        }
    }
}
