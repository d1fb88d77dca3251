using Microsoft.AspNetCore.Http.HttpResults;

namespace Triton.Web.Api;

/// <summary>
/// One page of a listing as the query string asks for it (<c>?page=&amp;pageSize=</c>). The API checks
/// it before any query runs and answers 400 naming the parameter; admin pages clamp it instead.
/// </summary>
public readonly record struct PageRequest(int Page, int PageSize)
{
    /// <summary>Rows before this page; cannot overflow, since every page is checked or clamped first.</summary>
    public int Skip => (Page - 1) * PageSize;

    /// <summary>
    /// The page asked for, or a problem naming <c>page</c> or <c>pageSize</c>: below 1, a size above
    /// <paramref name="maxPageSize"/>, or a page so far out that the rows before it overflow.
    /// </summary>
    public static (PageRequest Page, ProblemHttpResult? Problem) Parse(int? page, int? pageSize, int defaultPageSize, int maxPageSize)
    {
        var number = page ?? 1;
        var size = pageSize ?? defaultPageSize;
        if (number < 1) return (default, Invalid("page", "'page' must be 1 or more."));
        if (size < 1 || size > maxPageSize)
            return (default, Invalid("pageSize", $"'pageSize' must be between 1 and {maxPageSize}."));
        if ((long)(number - 1) * size > int.MaxValue)
            return (default, Invalid("page", $"'page' must be at most {int.MaxValue / size + 1} with a page size of {size}."));
        return (new PageRequest(number, size), null);
    }

    /// <summary>For pages that show a listing: any page number becomes one between 1 and the last page.</summary>
    public static PageRequest Clamp(int page, int pageSize, long total, int maxPageSize)
    {
        var size = Math.Clamp(pageSize, 1, maxPageSize);
        var last = (int)Math.Min(Math.Max(1, (total + size - 1) / size), int.MaxValue / size + 1);
        return new PageRequest(Math.Clamp(page, 1, last), size);
    }

    /// <summary>A page number typed in an address bar: not a number means the first page, one too large the last.</summary>
    public static int NumberFrom(string? text) =>
        int.TryParse(text, out var number) ? number
        : text is { Length: > 0 } && text.TrimStart('+').All(char.IsAsciiDigit) ? int.MaxValue
        : 1;

    private static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem(title: "One or more validation errors occurred.", statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
