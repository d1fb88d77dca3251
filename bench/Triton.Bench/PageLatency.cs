using System.Diagnostics;
using System.Net;
using Microsoft.Playwright;

namespace Triton.Bench;

/// <summary>
/// What a person waits for on the campaign page, in headless Chromium (Debian's, driven by Playwright
/// as the browser tests drive it), signed in with the bench user's cookie: opening the page until it
/// is interactive with its counters, and the Pause and Run round trips until the page shows the state.
/// </summary>
public sealed class PageLatency : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private const int Timeout = 30_000;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IBrowserContext _context;
    private readonly Uri _root;

    private PageLatency(IPlaywright playwright, IBrowser browser, IBrowserContext context, Uri root)
    {
        _playwright = playwright;
        _browser = browser;
        _context = context;
        _root = root;
    }

    public static async Task<PageLatency> LaunchAsync(Uri root, CookieContainer cookies)
    {
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"the pages scenario needs Chromium at {ChromiumPath} (scripts/bench.sh installs it)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await context.AddCookiesAsync(cookies.GetCookies(root).Select(c => new Microsoft.Playwright.Cookie
        {
            Name = c.Name, Value = c.Value, Url = root.ToString(),
        }));
        return new PageLatency(playwright, browser, context, root);
    }

    /// <summary>
    /// Opens the page in a new tab: milliseconds from the navigation's start until the page is interactive
    /// showing the counters, and until the sent counter first moves after that (the first live push).
    /// </summary>
    public async Task<(double Interactive, double FirstPush)> OpenAsync(int campaignId)
    {
        var page = await _context.NewPageAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(_root, $"/campaigns/{campaignId}").ToString(), new() { WaitUntil = WaitUntilState.Commit, Timeout = Timeout });
            await UntilAsync(page, "() => document.querySelector('[data-campaign-page][data-interactive=\"true\"] [data-progress=\"sent\"]') !== null");
            var interactive = watch.Elapsed.TotalMilliseconds;
            var shown = await page.Locator("[data-progress=\"sent\"]").TextContentAsync();
            await UntilAsync(page, "shown => document.querySelector('[data-progress=\"sent\"]').textContent !== shown", shown);
            return (interactive, watch.Elapsed.TotalMilliseconds);
        }
        catch (TimeoutException)
        {
            Console.WriteLine($"  the page did not come in {Timeout / 1000} s: {page.Url}");
            throw;
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    /// <summary>An interactive campaign page kept open for the round trips.</summary>
    public async Task<IPage> OpenForActionsAsync(int campaignId)
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(new Uri(_root, $"/campaigns/{campaignId}").ToString());
        await page.Locator("[data-campaign-page][data-interactive=\"true\"]").WaitForAsync(new() { Timeout = Timeout });
        return page;
    }

    /// <summary>
    /// Pause, then Run, on a running campaign's page. Answers the milliseconds from the click on Pause
    /// until the page shows Paused, from the click on Run until it shows the run accepted (Pending or
    /// Running), and until it shows Running.
    /// </summary>
    public static async Task<(double Pause, double RunAccepted, double Running)> PauseAndRunAsync(IPage page)
    {
        await UntilAsync(page, StateIs("Running"));
        var pause = Button(page, "Pause");
        await Assertions.Expect(pause).ToBeEnabledAsync(new() { Timeout = Timeout });
        var watch = Stopwatch.StartNew();
        await pause.ClickAsync();
        await UntilAsync(page, StateIs("Paused"));
        var paused = watch.Elapsed.TotalMilliseconds;

        var run = Button(page, "Run");
        await Assertions.Expect(run).ToBeEnabledAsync(new() { Timeout = Timeout });
        watch.Restart();
        await run.ClickAsync();
        await UntilAsync(page, "() => document.querySelector('[data-campaign-state]').getAttribute('data-campaign-state') !== 'Paused'");
        var accepted = watch.Elapsed.TotalMilliseconds;
        await UntilAsync(page, StateIs("Running"));
        return (paused, accepted, watch.Elapsed.TotalMilliseconds);
    }

    private static string StateIs(string state) =>
        $"() => document.querySelector('[data-campaign-state]')?.getAttribute('data-campaign-state') === '{state}'";

    /// <summary>
    /// Waits for a condition in the page, checked every 5 ms (Playwright's expectations retry after 100,
    /// 250, 500 ms and more, which would round every figure up to those steps).
    /// </summary>
    private static Task UntilAsync(IPage page, string condition, object? argument = null) =>
        page.WaitForFunctionAsync(condition, argument, new() { Timeout = Timeout, PollingInterval = 5 });

    private static ILocator Button(IPage page, string name) =>
        page.Locator("[data-campaign-page]").GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
