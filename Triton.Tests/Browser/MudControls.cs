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

    /// <summary>
    /// Waits for a save to move the page on to its next URL; when it does not, the failure says what the page shows
    /// instead (field errors, alerts, snackbars, a lost circuit), which a bare timeout does not.
    /// </summary>
    public static async Task ExpectNavigationAsync(IPage page, Func<string, bool> url)
    {
        try
        {
            await page.WaitForURLAsync(url, new() { WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException exception)
        {
            var shown = await page.EvaluateAsync<string>(ShownProblems);
            throw new TimeoutException($"The page stayed at {page.Url}; it shows: {shown}", exception);
        }
    }

    private const string ShownProblems = """
        () => [...document.querySelectorAll('.mud-input-error, .mud-alert, .mud-snackbar, #components-reconnect-modal, [data-interactive]')]
            .map(e => e.matches('[data-interactive]') ? 'interactive: ' + e.dataset.interactive : (e.id || e.classList[0]) + ': ' + e.innerText.trim())
            .join(' | ') || 'no error, alert or snackbar'
        """;

    /// <summary>A labelled field with its helper text, where MudBlazor shows the field's error.</summary>
    public static ILocator Field(IPage page, string label) =>
        page.Locator(".mud-input-control").Filter(new() { Has = page.Locator("label", new() { HasTextString = label }) });

    public static ILocator Input(IPage page, string label) => Field(page, label).Locator("input").First;

    public static async Task FillAsync(IPage page, string label, string value)
    {
        var input = Input(page, label);
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    public static Task PickAsync(IPage page, string label, string option) =>
        PickAsync(page.Locator(".mud-select").Filter(new() { Has = page.Locator("label", new() { HasTextString = label }) }).First, option);

    /// <summary>Picks an option of a select found otherwise, such as one without a label in a table row.</summary>
    public static async Task PickAsync(ILocator select, string option)
    {
        await select.ClickAsync();
        await ChooseOpenItemAsync(select.Page, option);
    }

    /// <summary>Types into an autocomplete and chooses the item it offers.</summary>
    public static async Task ChooseAsync(IPage page, string label, string typed, string option)
    {
        await Input(page, label).FillAsync(typed);
        await ChooseOpenItemAsync(page, option);
    }

    private static async Task ChooseOpenItemAsync(IPage page, string option)
    {
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
