using FluentValidation;
using Triton.Core.Data;

namespace Triton.Web.Api;

public static class ValidationFilter
{
    /// <summary>
    /// Validates the endpoint's argument of type T with its FluentValidation validator and answers
    /// 400 with problem details naming each failing field (camelCase, as the JSON body names it).
    /// An integer {id} route value is handed to the validator as the row being edited.
    /// </summary>
    public static RouteHandlerBuilder Validated<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var argument = context.Arguments.OfType<T>().FirstOrDefault();
            if (argument is null)
                return TypedResults.Problem(title: "A request body is required.", statusCode: StatusCodes.Status400BadRequest);
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
            int? editedId = int.TryParse(context.HttpContext.GetRouteValue("id") as string, out var id) ? id : null;
            var result = await validator.ValidateAsync(EditedEntity.For(argument, editedId), context.HttpContext.RequestAborted);
            if (result.IsValid) return await next(context);
            var errors = result.Errors
                .GroupBy(e => ToCamelCase(e.PropertyName))
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());
            return TypedResults.ValidationProblem(errors);
        });

    /// <summary>"CustomHeaders['X-Id']" to "customHeaders['X-Id']": property names only, never dictionary keys.</summary>
    private static string ToCamelCase(string path)
    {
        var chars = path.ToCharArray();
        var depth = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '[') depth++;
            else if (chars[i] == ']') depth--;
            else if (depth == 0 && (i == 0 || chars[i - 1] == '.')) chars[i] = char.ToLowerInvariant(chars[i]);
        }
        return new string(chars);
    }
}
