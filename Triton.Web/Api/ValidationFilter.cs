using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Triton.Core;
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
                return BodyRequired();
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
            int? editedId = int.TryParse(context.HttpContext.GetRouteValue("id") as string, out var id) ? id : null;
            var result = await validator.ValidateAsync(EditedEntity.For(argument, editedId), context.HttpContext.RequestAborted);
            if (result.IsValid) return await next(context);
            return Problem(result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray()));
        });

    public static ProblemHttpResult BodyRequired() =>
        TypedResults.Problem(title: "A request body is required.", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>400 with problem details naming each failing field as the JSON body names it.</summary>
    public static ValidationProblem Problem(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors
            .GroupBy(e => ValidationErrors.CamelCase(e.Key))
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray()));
}
