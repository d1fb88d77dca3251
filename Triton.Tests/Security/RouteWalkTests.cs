using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Domain;
using Triton.Web.Access;

namespace Triton.Tests.Security;

/// <summary>
/// Walks every route the app maps (from its EndpointDataSource) as each kind of caller and checks the
/// answer against one table. A route missing from the table, or a table row for a route that no longer
/// exists, fails the test: each new page or endpoint needs a decision about who may use it.
/// </summary>
public sealed class RouteWalkTests : IClassFixture<RouteWalkTests.WalkApp>
{
    /// <summary>
    /// Who gets what, per (method, route). Columns: anonymous, Viewer, Editor, Admin (signed in),
    /// API keys with the read, send and admin scopes. L = 302 to /login, U = 401, F = 403,
    /// A = allowed (any answer but those, 429 or 5xx; route parameters name nothing that exists, so
    /// nothing is changed).
    /// </summary>
    private static readonly string[] Expectations =
    [
        // Pages and their form posts: Razor components answer GET and POST.
        "GET  /                                            L A A A L L L",
        "POST /                                            L A A A L L L",
        "GET  /api-keys                                    L F F A L L L",
        "POST /api-keys                                    L F F A L L L",
        // An archived message can hold what only its recipient should read; export and import carry recipients: admins only.
        "GET  /archive/{Id:long}                           L F F A L L L",
        "POST /archive/{Id:long}                           L F F A L L L",
        "GET  /archive/delivery/{DeliveryId:long}          L F F A L L L",
        "POST /archive/delivery/{DeliveryId:long}          L F F A L L L",
        "GET  /archive/message/{Message}                   L F F A L L L",
        "POST /archive/message/{Message}                   L F F A L L L",
        "GET  /archive/{id:long}/eml                       L F F A L L L",
        "GET  /export/{kind}/{id:int}                      L F F A L L L",
        "GET  /import                                      L F F A L L L",
        "POST /import                                      L F F A L L L",
        "GET  /campaigns                                   L A A A L L L",
        "POST /campaigns                                   L A A A L L L",
        "GET  /campaigns/new                               L F A A L L L",
        "POST /campaigns/new                               L F A A L L L",
        "GET  /campaigns/{Id:int}                          L A A A L L L",
        "POST /campaigns/{Id:int}                          L A A A L L L",
        "GET  /campaigns/{Id:int}/edit                     L F A A L L L",
        "POST /campaigns/{Id:int}/edit                     L F A A L L L",
        "GET  /contracts                                   L A A A L L L",
        "POST /contracts                                   L A A A L L L",
        "GET  /contracts/new                               L F A A L L L",
        "POST /contracts/new                               L F A A L L L",
        "GET  /contracts/{Id:int}                          L A A A L L L",
        "POST /contracts/{Id:int}                          L A A A L L L",
        "GET  /categories                                  L A A A L L L",
        "POST /categories                                  L A A A L L L",
        "GET  /stats                                       L A A A L L L",
        "POST /stats                                       L A A A L L L",
        "GET  /suppressions                                L A A A L L L",
        "POST /suppressions                                L A A A L L L",
        "GET  /suppressions/export                         L A A A L L L",
        "GET  /groups                                      L A A A L L L",
        "POST /groups                                      L A A A L L L",
        "GET  /groups/new                                  L F A A L L L",
        "POST /groups/new                                  L F A A L L L",
        "GET  /groups/{Id:int}                             L A A A L L L",
        "POST /groups/{Id:int}                             L A A A L L L",
        "GET  /lists                                       L A A A L L L",
        "POST /lists                                       L A A A L L L",
        "GET  /lists/new                                   L F A A L L L",
        "POST /lists/new                                   L F A A L L L",
        "GET  /lists/{Id:int}                              L A A A L L L",
        "POST /lists/{Id:int}                              L A A A L L L",
        "GET  /lists/{id:int}/export                       L A A A L L L",
        "GET  /lists/{ListId:int}/recipients/{RecipientId:long}     L F A A L L L",
        "POST /lists/{ListId:int}/recipients/{RecipientId:long}     L F A A L L L",
        "GET  /login                                       A A A A A A A",
        "GET  /messages                                    L A A A L L L",
        "POST /messages                                    L A A A L L L",
        "GET  /messages/{MessageId}                        L A A A L L L",
        "POST /messages/{MessageId}                        L A A A L L L",
        "POST /login                                       A A A A A A A",
        // Outside the pages' own policies the fallback policy holds: a user or an API key (which has nothing to sign out).
        "POST /logout                                      L A A A A A A",
        "GET  /_framework/opaque-redirect                  L A A A A A A",
        "GET  /settings                                    L A A A L L L",
        "POST /settings                                    L A A A L L L",
        // The bounce mailbox holds a login and decides where Triton connects: admins only, as transports.
        "GET  /settings/bounce-mailbox                     L F F A L L L",
        "POST /settings/bounce-mailbox                     L F F A L L L",
        "GET  /setup                                       A A A A A A A",
        "POST /setup                                       A A A A A A A",
        "GET  /templates                                   L A A A L L L",
        "POST /templates                                   L A A A L L L",
        "GET  /templates/new                               L F A A L L L",
        "POST /templates/new                               L F A A L L L",
        "GET  /templates/{Id:int}                          L A A A L L L",
        "POST /templates/{Id:int}                          L A A A L L L",
        "GET  /transports                                  L A A A L L L",
        "POST /transports                                  L A A A L L L",
        "GET  /transports/new                              L F F A L L L",
        "POST /transports/new                              L F F A L L L",
        "GET  /transports/{Id:int}                         L A A A L L L",
        "POST /transports/{Id:int}                         L A A A L L L",
        "GET  /triggers                                    L A A A L L L",
        "POST /triggers                                    L A A A L L L",
        "GET  /triggers/new                                L F A A L L L",
        "POST /triggers/new                                L F A A L L L",
        "GET  /triggers/{Id:int}                           L A A A L L L",
        "POST /triggers/{Id:int}                           L A A A L L L",
        "GET  /users                                       L F F A L L L",
        "POST /users                                       L F F A L L L",

        // The progress hub: signed-in users only (the browser's pages); API keys do not open it. Its
        // endpoints take any method (*); the walk posts to them, as the negotiation does.
        "*    /hubs/progress/negotiate                     U A A A U U U",
        "*    /hubs/progress                               U A A A U U U",
        // The circuits of interactive pages: signed-in users only, as the progress hub; an API key opens none.
        "*    /_blazor/negotiate                           U A A A U U U",
        "*    /_blazor                                     U A A A U U U",
        "*    /_blazor/disconnect                          L A A A L L L",
        "*    /_blazor/initializers                        L A A A L L L",

        // Public: liveness and readiness, and the cron endpoint with its own secret (an API key is not it).
        "GET  /health                                      A A A A A A A",
        // Readiness for a load balancer: each part's state as JSON, 503 when one fails.
        "*    /health/ready                                A A A A A A A",
        // The unsubscribe page: public, its signed token is the authorization (GET changes nothing).
        "GET  /u/{token}                                   A A A A A A A",
        "POST /u/{token}                                   A A A A A A A",
        "POST /api/cron/process-email-queue                U U U U U U U",
        // Tracking: the open pixel and the click redirect are for anyone who got the message (a bad token records nothing).
        "GET  /t/o/{token}.gif                             A A A A A A A",
        "GET  /t/c/{token}                                 A A A A A A A",

        // The API: keys only (a browser's cookie does not open it); GET needs read, campaign actions
        // and test sends need send, every other change needs admin.
        "GET  /api/archive                                 U U U U A A A",
        "GET  /api/archive/{id:long}                       U U U U F F A",
        "GET  /api/export/{kind}/{id:int}                  U U U U F F A",
        "GET  /api/export/groups                           U U U U F F A",
        "POST /api/import                                  U U U U F F A",
        "GET  /api/campaigns                               U U U U A A A",
        "POST /api/campaigns                               U U U U F F A",
        "GET  /api/campaigns/{id:int}                      U U U U A A A",
        "PUT  /api/campaigns/{id:int}                      U U U U F F A",
        "DELETE /api/campaigns/{id:int}                    U U U U F F A",
        "GET  /api/campaigns/{id:int}/deliveries           U U U U A A A",
        "POST /api/campaigns/{id:int}/pause                U U U U F A A",
        "POST /api/campaigns/{id:int}/preview              U U U U F A A",
        "POST /api/campaigns/{id:int}/retry-failed         U U U U F A A",
        "POST /api/campaigns/{id:int}/run                  U U U U F A A",
        "GET  /api/campaigns/{id:int}/runs                 U U U U A A A",
        "POST /api/campaigns/{id:int}/stop                 U U U U F A A",
        "POST /api/campaigns/{id:int}/test                 U U U U F A A",
        "GET  /api/contracts                               U U U U A A A",
        "POST /api/contracts                               U U U U F F A",
        "GET  /api/contracts/{id:int}                      U U U U A A A",
        "PUT  /api/contracts/{id:int}                      U U U U F F A",
        "DELETE /api/contracts/{id:int}                    U U U U F F A",
        "POST /api/events/{eventName}                      U U U U F A A",
        "GET  /api/messages                                U U U U A A A",
        "GET  /api/messages/{messageId}                    U U U U A A A",
        "POST /api/messages/{messageId}/retry              U U U U F A A",
        "GET  /api/suppressions                            U U U U A A A",
        "POST /api/suppressions                            U U U U F F A",
        "DELETE /api/suppressions/{email}                  U U U U F F A",
        "GET  /api/suppressions/export                     U U U U A A A",
        "POST /api/suppressions/import                     U U U U F F A",
        "GET  /api/triggers                                U U U U A A A",
        "POST /api/triggers                                U U U U F F A",
        "GET  /api/triggers/{id:int}                       U U U U A A A",
        "PUT  /api/triggers/{id:int}                       U U U U F F A",
        "DELETE /api/triggers/{id:int}                     U U U U F F A",
        "POST /api/triggers/{id:int}/preview               U U U U F A A",
        "POST /api/triggers/{id:int}/test                  U U U U F A A",
        "GET  /api/groups                                  U U U U A A A",
        "POST /api/groups                                  U U U U F F A",
        "GET  /api/groups/{id:int}                         U U U U A A A",
        "PUT  /api/groups/{id:int}                         U U U U F F A",
        "DELETE /api/groups/{id:int}                       U U U U F F A",
        "GET  /api/lists                                   U U U U A A A",
        "POST /api/lists                                   U U U U F F A",
        "GET  /api/lists/{id:int}                          U U U U A A A",
        "PUT  /api/lists/{id:int}                          U U U U F F A",
        "DELETE /api/lists/{id:int}                        U U U U F F A",
        "GET  /api/lists/{id:int}/export                   U U U U A A A",
        "POST /api/lists/{id:int}/import                   U U U U F F A",
        "GET  /api/lists/{id:int}/imports/{importId}       U U U U A A A",
        "GET  /api/lists/{id:int}/recipients               U U U U A A A",
        "POST /api/lists/{id:int}/recipients               U U U U F F A",
        "PUT  /api/lists/{id:int}/recipients/{recipientId:long}     U U U U F F A",
        "DELETE /api/lists/{id:int}/recipients/{recipientId:long}   U U U U F F A",
        "GET  /api/templates                               U U U U A A A",
        "POST /api/templates                               U U U U F F A",
        "GET  /api/templates/{id:int}                      U U U U A A A",
        "PUT  /api/templates/{id:int}                      U U U U F F A",
        "DELETE /api/templates/{id:int}                    U U U U F F A",
        // The bounce mailbox's settings name its server and login: admin keys only, reads too.
        "GET  /api/settings/bounce-mailbox                 U U U U F F A",
        "PUT  /api/settings/bounce-mailbox                 U U U U F F A",
        "POST /api/settings/bounce-mailbox/test-connection U U U U F F A",
        "GET  /api/transports                              U U U U A A A",
        "POST /api/transports                              U U U U F F A",
        "GET  /api/transports/{id:int}                     U U U U A A A",
        "PUT  /api/transports/{id:int}                     U U U U F F A",
        "DELETE /api/transports/{id:int}                   U U U U F F A",
        "POST /api/transports/{id:int}/test-connection     U U U U F F A",
        "POST /api/transports/{id:int}/dkim-key            U U U U F F A",
        "GET  /api/categories                              U U U U A A A",
        "POST /api/categories                              U U U U F F A",
        "GET  /api/categories/{id:int}                     U U U U A A A",
        "PUT  /api/categories/{id:int}                     U U U U F F A",
        "DELETE /api/categories/{id:int}                   U U U U F F A",
        "GET  /api/stats                                   U U U U A A A",
        "GET  /api/stats/campaigns/{id:int}                U U U U A A A",
        "GET  /api/stats/triggers/{id:int}                 U U U U A A A",
    ];

    private const string AnyMethod = "*";

    private static readonly string[] Callers = ["anonymous", "Viewer", "Editor", "Admin", "read key", "send key", "admin key"];

    private readonly WalkApp app;

    public RouteWalkTests(WalkApp app) => this.app = app;

    [Fact]
    public async Task Every_route_answers_each_caller_as_the_table_says()
    {
        var table = Expectations.Select(Parse).ToDictionary(e => (e.Method, e.Route), e => e.Codes);
        var routes = Routes(app.Services);
        var missing = routes.Where(r => !table.ContainsKey(r)).ToList();
        var stale = table.Keys.Where(k => !routes.Contains(k)).ToList();

        var clients = await app.CallersAsync();
        var wrong = new List<string>();
        var observedMissing = new List<string>();
        foreach (var (method, route) in routes)
        {
            var observed = new List<string>();
            for (var i = 0; i < clients.Count; i++)
            {
                using var request = new HttpRequestMessage(method == AnyMethod ? HttpMethod.Post : new HttpMethod(method), Fill(route));
                using var response = await clients[i].SendAsync(request);
                var code = Classify(response);
                observed.Add(code);
                if (table.TryGetValue((method, route), out var expected) && expected[i] != code)
                    wrong.Add($"{method} {route} as {Callers[i]}: expected {expected[i]}, got {code} ({(int)response.StatusCode} {response.Headers.Location})");
            }
            if (!table.ContainsKey((method, route)))
                observedMissing.Add($"\"{method,-4} {route,-45} {string.Join(' ', observed)}\",");
        }

        Assert.True(missing.Count == 0 && stale.Count == 0 && wrong.Count == 0,
            (missing.Count > 0 ? "Routes without an expectation (observed answers shown; decide who may use each):\n  " + string.Join("\n  ", observedMissing) + "\n" : "") +
            (stale.Count > 0 ? "Expectations for routes that no longer exist:\n  " + string.Join("\n  ", stale) + "\n" : "") +
            (wrong.Count > 0 ? "Wrong answers:\n  " + string.Join("\n  ", wrong) : ""));
    }

    [Fact]
    public void The_table_covers_every_caller_and_only_known_codes()
    {
        foreach (var line in Expectations)
        {
            var (_, _, codes) = Parse(line);
            Assert.True(codes.Length == Callers.Length && codes.All(c => c is "L" or "U" or "F" or "A"), line);
        }
    }

    private static (string Method, string Route, string[] Codes) Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (parts[0], parts[1], parts[2..]);
    }

    private static string Classify(HttpResponseMessage response) => (int)response.StatusCode switch
    {
        302 when response.Headers.Location?.OriginalString is { } location
                 && (location.StartsWith("/login", StringComparison.Ordinal) || location.Contains("/login?", StringComparison.Ordinal)) => "L",
        401 => "U",
        403 => "F",
        429 => "429",
        >= 500 => ((int)response.StatusCode).ToString(),
        _ => "A",
    };

    /// <summary>Every (method, route pattern) the app maps, as the table spells them.</summary>
    internal static HashSet<(string Method, string Route)> Routes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [AnyMethod])
                .Select(m => (m, "/" + (e.RoutePattern.RawText ?? "").Trim('/'))))
            .ToHashSet();

    /// <summary>Route parameters filled with values that name nothing stored.</summary>
    private static string Fill(string route)
    {
        var pattern = RoutePatternFactory.Parse(route);
        return "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content is "int" or "long") => "987654",
            RoutePatternParameterPart => "no-such-thing",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));
    }

    /// <summary>The app for the walk: a user of each role and a key of each scope; failures are not limited here.</summary>
    public sealed class WalkApp() : IDisposable
    {
        private readonly SecurityApp app = new(new Dictionary<string, string?> { ["Triton:ApiAuthLimit:MaxFailures"] = "100000" });
        private List<HttpClient>? clients;

        public IServiceProvider Services => app.Services;

        public async Task<IReadOnlyList<HttpClient>> CallersAsync() => clients ??=
        [
            app.Client(),
            await app.SignedInAsync(AdminRoles.Viewer),
            await app.SignedInAsync(AdminRoles.Editor),
            await app.SignedInAsync(AdminRoles.Admin),
            app.KeyClient(await app.CreateKeyAsync(ApiScope.Read)),
            app.KeyClient(await app.CreateKeyAsync(ApiScope.Send)),
            app.KeyClient(await app.CreateKeyAsync(ApiScope.Admin)),
        ];

        public void Dispose()
        {
            foreach (var client in clients ?? []) client.Dispose();
            app.Dispose();
        }
    }
}
