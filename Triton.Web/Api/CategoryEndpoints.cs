using Triton.Core;
using Triton.Core.Tracking;

namespace Triton.Web.Api;

public sealed record CategoryResponse(int Id, string Name, string? Description, string? Group, int Campaigns, int Triggers)
{
    public static CategoryResponse From(CategoryView view) =>
        new(view.Category.Id, view.Category.Name, view.Category.Description, view.Group, view.Campaigns, view.Triggers);
}

/// <summary>/api/categories: tracking categories, through <see cref="CategoryService"/>.</summary>
public static class CategoryEndpoints
{
    private const int DefaultPageSize = 50;

    public static void MapCategoryEndpoints(this RouteGroupBuilder api)
    {
        var categories = api.MapGroup("/categories");
        categories.MapGet("/", async (string? group, int? page, int? pageSize, CategoryService service, CancellationToken ct) =>
        {
            var (wanted, invalid) = PageRequest.Parse(page, pageSize, DefaultPageSize, CategoryService.MaxPageSize);
            if (invalid is not null) return (IResult)invalid;
            var result = await service.ListAsync(group, wanted.Page, wanted.PageSize, ct);
            return TypedResults.Ok(new ResultPage<CategoryResponse>(result.Items.Select(CategoryResponse.From).ToList(), result.Page, result.PageSize, result.Total));
        });
        categories.MapGet("/{id:int}", async (int id, CategoryService service, CancellationToken ct) =>
            await service.GetAsync(id, ct) is { } category ? Results.Ok(CategoryResponse.From(category)) : ApiResults.NotFound("category"));
        categories.MapPost("/", async (CategoryInput input, CategoryService service, CancellationToken ct) =>
        {
            var result = await service.SaveAsync(null, input, ct);
            return result.ToHttp("category", CategoryResponse.From, result.Value is { } c ? $"/api/categories/{c.Category.Id}" : null);
        });
        categories.MapPut("/{id:int}", async (int id, CategoryInput input, CategoryService service, CancellationToken ct) =>
            (await service.SaveAsync(id, input, ct)).ToHttp("category", CategoryResponse.From));
        categories.MapDelete("/{id:int}", async (int id, CategoryService service, CancellationToken ct) =>
        {
            var result = await service.DeleteAsync(id, ct);
            return result.Status == ServiceStatus.Saved ? Results.NoContent() : result.ToHttp("category", CategoryResponse.From);
        });
    }
}
