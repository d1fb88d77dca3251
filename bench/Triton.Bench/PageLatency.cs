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
        await context.AddInitScriptAsync(WebSocketClock);
        await context.AddInitScriptAsync(ClickClock);
        return new PageLatency(playwright, browser, context, root);
    }

    /// <summary>
    /// Opens the page in a new tab: milliseconds from the navigation's start until the page is interactive
    /// showing the counters, and until the sent counter first moves after that (the first live push).
    /// </summary>
    /// <param name="untilPush">Also wait for the first push (a campaign that sends); without it FirstPush is the interactive time.</param>
    public async Task<(double Interactive, double FirstPush)> OpenAsync(int campaignId, bool untilPush = true)
    {
        var page = await _context.NewPageAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(_root, $"/campaigns/{campaignId}").ToString(), new() { WaitUntil = WaitUntilState.Commit, Timeout = Timeout });
            // The condition notes the page's own clock when it first holds, for the breakdown below.
            await UntilAsync(page, "() => document.querySelector('[data-campaign-page][data-interactive=\"true\"] [data-progress=\"sent\"]') !== null && (window.benchInteractiveAt ??= performance.now()) > 0");
            var interactive = watch.Elapsed.TotalMilliseconds;
            Phases.Add(await page.EvaluateAsync<Dictionary<string, double>>(PhasesScript));
            if (!untilPush) return (interactive, interactive);
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

    /// <summary>
    /// Where each open's time went, from the page's Performance API (milliseconds since the navigation
    /// started): the document's response, DOMContentLoaded (styles and scripts loaded and run), blazor.web.js
    /// asking for the circuit (/_blazor/negotiate), and the page interactive with its counters. Also the bytes
    /// fetched over the network (0 when every file came from the browser's cache) and the number of files.
    /// </summary>
    public List<Dictionary<string, double>> Phases { get; } = [];

    /// <summary>
    /// Run in every page before its own scripts: notes when the circuit's WebSocket was created and opened
    /// and when each of its messages arrived (the page's clock), for <see cref="PhasesScript"/>.
    /// </summary>
    private const string WebSocketClock = """
        (() => {
            // Whether the document as served (prerendered) already holds the counters, before any script runs.
            document.addEventListener('DOMContentLoaded', () => window.benchCountersServed = document.querySelector('[data-progress="sent"]') !== null);
            const Native = window.WebSocket;
            window.benchSocket = { messages: [] };
            const Clocked = function (url, protocols) {
                const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
                window.benchSocket.created ??= performance.now();
                socket.addEventListener('open', () => window.benchSocket.open ??= performance.now());
                socket.addEventListener('message', () => window.benchSocket.messages.push(performance.now()));
                return socket;
            };
            Clocked.prototype = Native.prototype;
            Object.assign(Clocked, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
            window.WebSocket = Clocked;
        })();
        """;

    /// <summary>
    /// Run in every page: <c>benchWatch(conditions)</c> notes, by the page's clock, when the next click event
    /// arrives (<c>benchClickAt</c>) and when each condition first holds after a change of the page's DOM
    /// (<c>benchAt[i]</c>), so the time from a click to what it shows is read without Playwright's own steps
    /// (its actionability checks before a click, its polling after).
    /// </summary>
    private const string ClickClock = """
        window.benchWatch = conditions => {
            const at = window.benchAt = conditions.map(() => null);
            window.benchClickAt = null;
            document.addEventListener('click', () => window.benchClickAt ??= performance.now(), { capture: true, once: true });
            const observer = new MutationObserver(() => {
                const now = performance.now();
                conditions.forEach((holds, i) => { if (at[i] === null && window.benchClickAt !== null && holds()) at[i] = now; });
                if (at.every(t => t !== null)) observer.disconnect();
            });
            observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
        };
        """;

    /// <summary>Milliseconds by the page's clock from the click to when condition <paramref name="index"/> held (see <see cref="ClickClock"/>).</summary>
    private static Task<double> PageClockAsync(IPage page, int index) =>
        page.EvaluateAsync<double>($"() => window.benchAt[{index}] - window.benchClickAt");

    private const string PhasesScript = """
        () => {
            const nav = performance.getEntriesByType('navigation')[0];
            const resources = performance.getEntriesByType('resource');
            const negotiate = resources.find(r => r.name.includes('/_blazor/negotiate'));
            const files = resources.filter(r => !r.name.includes('/_blazor'));
            return {
                request: nav.requestStart,
                firstByte: nav.responseStart,
                response: nav.responseEnd,
                domContentLoaded: nav.domContentLoadedEventEnd,
                firstPaint: performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint')?.startTime ?? -1,
                countersServed: window.benchCountersServed ? 1 : 0,
                negotiateStart: negotiate ? negotiate.startTime : -1,
                negotiateEnd: negotiate ? negotiate.responseEnd : -1,
                interactive: window.benchInteractiveAt,
                documentBytes: nav.transferSize,
                fileBytes: files.reduce((sum, r) => sum + r.transferSize, 0),
                files: files.length,
                filesEnd: files.reduce((end, r) => Math.max(end, r.responseEnd), 0),
                socketCreated: window.benchSocket.created ?? -1,
                socketOpen: window.benchSocket.open ?? -1,
                // The last message before the page showed itself interactive: the render batch it applied.
                lastMessage: Math.max(-1, ...window.benchSocket.messages.filter(t => t <= window.benchInteractiveAt)),
                messages: window.benchSocket.messages.filter(t => t <= window.benchInteractiveAt).length,
            };
        }
        """;

    /// <summary>The medians of <see cref="Phases"/>, one line.</summary>
    public string PhasesSummary()
    {
        if (Phases.Count == 0) return "no phases";
        double Median(string key) => Measure.Percentile(Phases.Select(p => p[key]).ToList(), 0.5);
        return $"medians over {Phases.Count} opens, ms since navigation start: document requested {Median("request"):F0}, first byte {Median("firstByte"):F0}, read {Median("response"):F0}, "
            + $"files (styles, scripts) done {Median("filesEnd"):F0} ({Median("files"):F0} files, {Median("fileBytes") / 1024:F0} KB over the network, document {Median("documentBytes") / 1024:F0} KB), "
            + $"first contentful paint {Median("firstPaint"):F0} (counters in the served document in {Phases.Sum(p => p["countersServed"]):F0} of {Phases.Count}), "
            + $"DOMContentLoaded {Median("domContentLoaded"):F0}, circuit negotiation {Median("negotiateStart"):F0} to {Median("negotiateEnd"):F0}, "
            + $"WebSocket created {Median("socketCreated"):F0}, open {Median("socketOpen"):F0}, "
            + $"last of its {Median("messages"):F0} messages before interactive {Median("lastMessage"):F0}, "
            + $"interactive with counters {Median("interactive"):F0}";
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
    /// Running), and until it shows Running; by the bench's stopwatch (Playwright's click and polling
    /// included) and by the page's own clock (from the click event to the change in the page).
    /// </summary>
    public static async Task<RoundTrip> PauseAndRunAsync(IPage page)
    {
        await UntilAsync(page, StateIs("Running"));
        var pause = Button(page, "Pause");
        await Assertions.Expect(pause).ToBeEnabledAsync(new() { Timeout = Timeout });
        await page.EvaluateAsync($"() => benchWatch([{StateIs("Paused")}])");
        var watch = Stopwatch.StartNew();
        await pause.ClickAsync();
        await UntilAsync(page, StateIs("Paused"));
        var paused = watch.Elapsed.TotalMilliseconds;
        await UntilAsync(page, "() => window.benchAt[0] !== null");
        var pausedInPage = await PageClockAsync(page, 0);
        var pausedMessage = await LastMessageAsync(page, 0);

        var run = Button(page, "Run");
        await Assertions.Expect(run).ToBeEnabledAsync(new() { Timeout = Timeout });
        const string leftPaused = "() => document.querySelector('[data-campaign-state]').getAttribute('data-campaign-state') !== 'Paused'";
        await page.EvaluateAsync($"() => benchWatch([{leftPaused}, {StateIs("Running")}])");
        watch.Restart();
        await run.ClickAsync();
        await UntilAsync(page, leftPaused);
        var accepted = watch.Elapsed.TotalMilliseconds;
        await UntilAsync(page, StateIs("Running"));
        var running = watch.Elapsed.TotalMilliseconds;
        await UntilAsync(page, "() => window.benchAt.every(t => t !== null)");
        return new(paused, accepted, running, pausedInPage, await PageClockAsync(page, 0), await PageClockAsync(page, 1),
            pausedMessage, await LastMessageAsync(page, 0));
    }

    /// <summary>
    /// One Pause and Run round trip (see <see cref="PauseAndRunAsync"/>), milliseconds; the last two by the page's clock from
    /// the click until the circuit's last message before Paused, and before the run accepted, showed.
    /// </summary>
    public sealed record RoundTrip(double Pause, double RunAccepted, double Running, double PauseInPage, double RunAcceptedInPage, double RunningInPage,
        double PauseMessageInPage, double RunAcceptedMessageInPage);

    /// <summary>
    /// By the page's clock, from the click until the last circuit message before condition <paramref name="index"/> of
    /// <see cref="ClickClock"/> held: the render batch that showed it, so the server's share (and the wire's) apart from the browser's.
    /// </summary>
    private static Task<double> LastMessageAsync(IPage page, int index) => page.EvaluateAsync<double>(
        $"() => Math.max(-1, ...window.benchSocket.messages.filter(t => t >= window.benchClickAt && t <= window.benchAt[{index}])) - window.benchClickAt");

    /// <summary>
    /// The campaigns list kept open in one tab (interactive), from which <see cref="OpenInAppAsync"/> opens a campaign
    /// as a person does: a click on its name, inside the running circuit (no new document, no blazor.web.js start-up).
    /// </summary>
    public async Task<IPage> OpenListAsync(int campaignId)
    {
        var page = await _context.NewPageAsync();
        await page.GotoAsync(new Uri(_root, "/campaigns").ToString());
        await UntilAsync(page, ListShows(campaignId));
        return page;
    }

    /// <summary>
    /// On the campaigns list (<see cref="OpenListAsync"/>): clicks the campaign's name and answers the milliseconds
    /// until its page is interactive with its counters and until the sent counter first moves (stopwatch), and
    /// until the counters showed by the page's own clock from the click; then goes back (the browser's Back) until
    /// the list shows the campaign's link again.
    /// </summary>
    public static async Task<InAppOpen> OpenInAppAsync(IPage page, int campaignId)
    {
        const string shown = "() => document.querySelector('[data-campaign-page][data-interactive=\"true\"] [data-progress=\"sent\"]') !== null";
        await page.EvaluateAsync($"() => benchWatch([{shown}])");
        var link = page.Locator($"[data-campaigns] a[href=\"/campaigns/{campaignId}\"]");
        var watch = Stopwatch.StartNew();
        await link.ClickAsync();
        await UntilAsync(page, shown);
        var interactive = watch.Elapsed.TotalMilliseconds;
        var sent = await page.Locator("[data-progress=\"sent\"]").TextContentAsync();
        await UntilAsync(page, "shown => document.querySelector('[data-progress=\"sent\"]').textContent !== shown", sent);
        var firstPush = watch.Elapsed.TotalMilliseconds;
        await UntilAsync(page, "() => window.benchAt[0] !== null");
        var inPage = await PageClockAsync(page, 0);
        // The circuit's messages between the click and the page shown: the last one is the render batch the page
        // applied, so its time tells the server's share (and the wire's) from the browser's.
        var lastMessage = await LastMessageAsync(page, 0);
        await page.EvaluateAsync("() => history.back()");
        await UntilAsync(page, ListShows(campaignId));
        return new(interactive, firstPush, inPage, lastMessage);
    }

    /// <summary>
    /// One open from the list (see <see cref="OpenInAppAsync"/>), milliseconds: by the stopwatch until interactive and until
    /// the first push; by the page's clock from the click until the counters showed, and until the last circuit message before.
    /// </summary>
    public sealed record InAppOpen(double Interactive, double FirstPush, double InteractiveInPage, double LastMessageInPage);

    /// <summary>
    /// The campaigns list shows the campaign's link, through its circuit: the grid reads its rows only once
    /// interactive (the prerendered list has none), and the circuit's WebSocket is open.
    /// </summary>
    private static string ListShows(int campaignId) =>
        $"() => window.benchSocket.open !== undefined && document.querySelector('[data-campaigns] a[href=\"/campaigns/{campaignId}\"]') !== null";

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
