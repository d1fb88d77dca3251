using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Triton.Web.Api;

/// <summary>
/// Turns request-binding failures (malformed JSON, a wrong type, an oversized body) into problem
/// details naming the field, instead of an empty 400 or a 500.
/// </summary>
public sealed partial class BadRequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var status = bad.StatusCode;
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status };
        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            details.Title = "The request body is too large.";
        }
        else if (bad.InnerException is JsonException json)
        {
            var field = FieldOf(json.Path);
            details.Title = "The request body is not valid JSON for this resource.";
            details.Detail = field.Length == 0 ? json.Message : $"The field '{field}' is malformed or has the wrong type.";
            details.Extensions["errors"] = new Dictionary<string, string[]> { [field.Length == 0 ? "$" : field] = [details.Detail] };
        }
        else
        {
            details.Title = "The request could not be read.";
            details.Detail = bad.Message;
            // 'Failed to bind parameter "int? page" from "abc".': name the query or route field.
            if (ParameterName().Match(bad.Message) is { Success: true } match)
                details.Extensions["errors"] = new Dictionary<string, string[]> { [match.Groups[1].Value] = [bad.Message] };
        }
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    /// <summary>"$.customHeaders['X-A']" or "$.subjects[2]" to the JSON field as the body names it.</summary>
    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    [GeneratedRegex("""parameter "(?:[^"]* )?(\w+)" """)]
    private static partial Regex ParameterName();
}
