using Microsoft.Playwright;

namespace Triton.Tests.Browser;

/// <summary>How a person drives MudBlazor's inputs: by their visible labels, as they read them.</summary>
public static class MudControls
{
    /// <summary>Opens an interactive page and waits for its circuit.</summary>
    public static async Task OpenAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("[data-interactive=\"true\"]").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
    }

    public static ILocator Input(IPage page, string label) =>
        page.Locator(".mud-input-control").Filter(new() { Has = page.Locator("label", new() { HasTextString = label }) }).Locator("input").First;

    public static async Task FillAsync(IPage page, string label, string value)
    {
        var input = Input(page, label);
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    public static async Task PickAsync(IPage page, string label, string option)
    {
        await page.Locator(".mud-select").Filter(new() { Has = page.Locator("label", new() { HasTextString = label }) }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextString = option }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Chooses a file in a Blazor file input once the circuit has wired it. Blazor attaches its change
    /// listener after the first render, so a file set earlier is dropped without a trace; the wiring
    /// marks the element with its next file id.
    /// </summary>
    public static async Task UploadAsync(ILocator fileInput, string path)
    {
        await Assertions.Expect(fileInput).ToBeAttachedAsync(new() { Timeout = 15_000 });
        await fileInput.Page.WaitForFunctionAsync(
            "element => element._blazorInputFileNextFileId !== undefined", await fileInput.ElementHandleAsync(),
            new() { Timeout = 15_000 });
        await fileInput.SetInputFilesAsync(path);
    }
}
