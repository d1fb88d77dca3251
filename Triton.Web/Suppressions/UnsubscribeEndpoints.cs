using System.Text.Encodings.Web;
using Triton.Core.Suppressions;

namespace Triton.Web.Suppressions;

/// <summary>
/// /u/{token}: the public unsubscribe page. GET only shows what the link is for and a button (a link
/// scanner that fetches it changes nothing); POST unsubscribes, whether the page's button sent it or a
/// mail client's RFC 8058 one-click request (body List-Unsubscribe=One-Click, no cookie, no antiforgery
/// token). The signed token is what authorizes the change, so this route, and only this one, is exempt
/// from antiforgery. A tampered or unknown token shows an error and changes nothing. Like the tracking
/// routes, both short-circuit past authentication and the rest of the pipeline (see WebComposition).
/// </summary>
public static class UnsubscribeEndpoints
{
    public const string Path = "/u/{token}";

    public static IEndpointRouteBuilder MapUnsubscribe(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (string token, Unsubscribes unsubscribes, CancellationToken ct) =>
            await unsubscribes.ResolveAsync(token, ct) is { } target
                ? Page(StatusCodes.Status200OK, "Unsubscribe",
                    $"<p>Stop sending newsletters to <strong>{Html(target.Email)}</strong>?</p>" +
                    $"<form method=\"post\" action=\"/u/{Html(token)}\"><button type=\"submit\">Unsubscribe</button></form>")
                : Invalid())
            .AllowAnonymous()
            .ShortCircuit();

        app.MapPost(Path, async (string token, Unsubscribes unsubscribes, CancellationToken ct) =>
            await unsubscribes.UnsubscribeAsync(token, ct) is { } target
                ? Page(StatusCodes.Status200OK, "Unsubscribed",
                    $"<p><strong>{Html(target.Email)}</strong> will receive no more newsletters from us.</p>")
                : Invalid())
            .AllowAnonymous()
            .DisableAntiforgery()
            .ShortCircuit();
        return app;
    }

    private static IResult Invalid() =>
        Page(StatusCodes.Status404NotFound, "Link not valid",
            "<p>This unsubscribe link is not valid (it may have been cut or changed). Nothing was changed.</p>");

    private static string Html(string text) => HtmlEncoder.Default.Encode(text);

    private static IResult Page(int status, string title, string body) => TypedResults.Content($$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex"><title>{{title}}</title>
        <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.25rem}</style>
        </head><body><h1>{{title}}</h1>{{body}}</body></html>
        """, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
}
