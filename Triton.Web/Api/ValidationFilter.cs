using FluentValidation;
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
                return TypedResults.Problem(title: "A request body is required.", statusCode: StatusCodes.Status400BadRequest);
            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
            int? editedId = int.TryParse(context.HttpContext.GetRouteValue("id") as string, out var id) ? id : null;
            var result = await validator.ValidateAsync(EditedEntity.For(argument, editedId), context.HttpContext.RequestAborted);
            if (result.IsValid) return await next(context);
            var errors = ValidationErrors.Of(result);
            return TypedResults.ValidationProblem(errors);
        });
}
