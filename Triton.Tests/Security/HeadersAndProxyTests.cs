using System.Net;
using Triton.Core.Domain;
using Triton.Tests.Admin;

namespace Triton.Tests.Security;

/// <summary>Security headers on every kind of answer; forwarded headers believed only from configured proxies.</summary>
public sealed class HeadersAndProxyTests : IClassFixture<HeadersAndProxyTests.ProxiedApp>
{
    private readonly ProxiedApp proxied;

    public HeadersAndProxyTests(ProxiedApp proxied) => this.proxied = proxied;

    /// <summary>An app that believes 127.0.0.1 (the tests' own address) as its TLS proxy.</summary>
    public sealed class ProxiedApp() : IDisposable
    {
        public SecurityApp App { get; } = new(new Dictionary<string, string?>
        {
            ["Triton:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["Triton:ApiAuthLimit:MaxFailures"] = "3",
            ["Triton:ApiAuthLimit:WindowSeconds"] = "600",
            ["Tracking:RequestsPerSecondPerAddress"] = "3",
        });

        public void Dispose() => App.Dispose();
    }

    [Fact]
    public async Task Pages_api_answers_static_files_and_errors_carry_the_security_headers()
    {
        var key = await proxied.App.CreateKeyAsync(ApiScope.Read);
        using var anonymous = proxied.App.Client();
        using var api = proxied.App.KeyClient(key);
        var answers = new Dictionary<string, HttpResponseMessage>
        {
            ["page"] = await anonymous.GetAsync("/login"),
            ["redirect to sign-in"] = await anonymous.GetAsync("/campaigns"),
            ["static file"] = await anonymous.GetAsync("/js/shell.js"),
            ["health"] = await anonymous.GetAsync("/health"),
            ["API 401"] = await anonymous.GetAsync("/api/campaigns"),
            ["API 404 problem"] = await api.GetAsync("/api/campaigns/987654"),
            ["API 403 problem"] = await api.PostAsync("/api/groups", null),
            ["antiforgery 400"] = await anonymous.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "login" })),
            // The short-circuited public routes (they skip authentication and the rest, not these headers).
            ["tracking pixel"] = await anonymous.GetAsync("/t/o/not-a-token.gif"),
            ["click 404"] = await anonymous.GetAsync("/t/c/not-a-token"),
            ["unsubscribe 404"] = await anonymous.GetAsync("/u/not-a-token"),
            ["unsubscribe post 404"] = await anonymous.PostAsync("/u/not-a-token", new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" })),
        };
        Assert.Equal(HttpStatusCode.OK, answers["static file"].StatusCode);
        foreach (var (what, response) in answers)
        {
            var csp = Header(response, "Content-Security-Policy");
            Assert.True(csp is not null, $"{what} ({(int)response.StatusCode}) has no CSP");
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.NotNull(Header(response, "Referrer-Policy"));
            // Plain HTTP from the client: no HSTS.
            Assert.Null(Header(response, "Strict-Transport-Security"));
        }
    }

    [Fact]
    public async Task The_tracking_routes_see_the_forwarded_client_and_scheme_and_keep_the_limit_per_address()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = proxied.App.BaseAddress };
        // HTTPS as the known proxy forwards it: HSTS on the pixel, which never caches.
        var pixel = await SendAsync(client, HttpMethod.Get, "/t/o/not-a-token.gif", https: true);
        Assert.Equal(HttpStatusCode.OK, pixel.StatusCode);
        Assert.Equal("image/gif", pixel.Content.Headers.ContentType?.MediaType);
        Assert.Equal("GIF89a", System.Text.Encoding.ASCII.GetString((await pixel.Content.ReadAsByteArrayAsync())[..6]));
        Assert.Contains("no-store", Header(pixel, "Cache-Control"));
        Assert.Equal("no-cache", Header(pixel, "Pragma"));
        Assert.StartsWith("max-age=", Header(pixel, "Strict-Transport-Security"));
        Assert.Null(Header(pixel, "Server"));

        // Tracking:RequestsPerSecondPerAddress is 3: of twenty quick requests from one forwarded client
        // some are refused (with the security headers still on); another client is not affected.
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++)
            answers.Add(await TrackingAsync(client, i % 2 == 0 ? "/t/o/not-a-token.gif" : "/t/c/not-a-token", "203.0.113.60"));
        var limited = answers.FirstOrDefault(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(limited is not null, string.Join(", ", answers.Select(a => a.StatusCode)));
        Assert.Equal("DENY", Header(limited, "X-Frame-Options"));
        Assert.Contains("frame-ancestors 'none'", Header(limited, "Content-Security-Policy"));
        Assert.Equal(HttpStatusCode.OK, (await TrackingAsync(client, "/t/o/not-a-token.gif", "203.0.113.61")).StatusCode);
    }

    private static Task<HttpResponseMessage> TrackingAsync(HttpClient client, string path, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task Https_forwarded_by_a_known_proxy_gets_hsts_and_secure_cookies()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = proxied.App.BaseAddress };
        var login = await SendAsync(client, HttpMethod.Get, "/login", https: true);
        Assert.StartsWith("max-age=", Header(login, "Strict-Transport-Security"));
        var antiforgery = Assert.Single(SetCookies(login), c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        var signIn = await SendAsync(client, HttpMethod.Post, "/login?returnUrl=%2F", https: true, cookie: NameValue(antiforgery),
            form: new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = AdminFormsTests.Token(await login.Content.ReadAsStringAsync()),
                ["Input.Email"] = SecurityApp.AdminEmail,
                ["Input.Password"] = SecurityApp.AdminPassword,
            });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var auth = Assert.Single(SetCookies(signIn), c => c.StartsWith("triton.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", auth, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_address_are_ignored()
    {
        // The default: no proxy configured, so a client claiming HTTPS gets neither HSTS nor secure cookies.
        using var app = new SecurityApp();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        var login = await SendAsync(client, HttpMethod.Get, "/login", https: true);
        Assert.Null(Header(login, "Strict-Transport-Security"));
        var antiforgery = Assert.Single(SetCookies(login), c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        // Nor can a client dodge the failed-authentication limit by claiming other addresses.
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await BadKeyAsync(client, $"198.51.100.{i}")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await BadKeyAsync(client, "198.51.100.200")).StatusCode);
    }

    [Fact]
    public async Task Failed_api_authentications_are_limited_per_client_address_as_a_known_proxy_forwards_it()
    {
        var good = await proxied.App.CreateKeyAsync(ApiScope.Read);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = proxied.App.BaseAddress };
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await BadKeyAsync(client, "203.0.113.7")).StatusCode);

        var limited = await BadKeyAsync(client, "203.0.113.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Contains("Too many failed authentications", await limited.Content.ReadAsStringAsync());
        // While limited, even a right key waits; another client behind the same proxy is not affected.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await KeyAsync(client, good, "203.0.113.7")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await KeyAsync(client, good, "203.0.113.8")).StatusCode);
        // A wrong cron secret counts too.
        using var cron = new HttpRequestMessage(HttpMethod.Post, "/api/cron/process-email-queue");
        cron.Headers.Authorization = new("Bearer", "wrong");
        cron.Headers.Add("X-Forwarded-For", "203.0.113.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(cron)).StatusCode);
    }

    private static Task<HttpResponseMessage> BadKeyAsync(HttpClient client, string forwardedFor) =>
        KeyAsync(client, "trk_not_a_key_" + Guid.NewGuid().ToString("N"), forwardedFor);

    private static Task<HttpResponseMessage> KeyAsync(HttpClient client, string key, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/groups");
        request.Headers.Authorization = new("Bearer", key);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, bool https,
        string? cookie = null, Dictionary<string, string>? form = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (https)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.50");
        }
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        return client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    private static string NameValue(string setCookie) => setCookie.Split(';')[0];
}
