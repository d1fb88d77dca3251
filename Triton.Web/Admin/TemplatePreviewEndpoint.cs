using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core.Data;
using Triton.Core.Templates;
using Triton.Web.Access;
using Triton.Web.Components.Templates;

namespace Triton.Web.Admin;

/// <summary>
/// POST /templates/preview: the template editor posts its unsaved form (htmx) and gets back the
/// rendered HTML as a fragment, or the compile or render error with its line and column.
/// </summary>
public static class TemplatePreviewEndpoint
{
    public const string Path = "/templates/preview";

    public static IEndpointRouteBuilder MapTemplatePreview(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, PreviewAsync)
            // Rendering arbitrary markup costs CPU and memory: only those who may change templates may ask for it.
            .RequireAuthorization(AdminRoles.CanEdit)
            .RequireAntiforgery();
        return app;
    }

    private static async Task<RazorComponentResult<TemplatePreview>> PreviewAsync(
        HttpRequest request, TritonDbContext db, TemplateChecker checker, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken);
        var name = form["Form.Name"].ToString().Trim();
        var body = form["Form.Body"].ToString().ReplaceLineEndings("\n");
        var textBody = form["Form.TextBody"].ToString();
        var inlineCss = form["Form.InlineCss"].Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase));
        // An unsaved template has no name yet; any name no partial can reach back to will do.
        var result = await checker.PreviewAsync(db, name.Length > 0 ? name : "\u0000unsaved", body, inlineCss, textBody, cancellationToken);
        return new RazorComponentResult<TemplatePreview>(new { Result = result });
    }
}
