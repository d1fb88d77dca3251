using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Core.Tracking;

/// <summary>A category with its group's name and how many campaigns and triggers use it.</summary>
public sealed record CategoryView(TrackingCategory Category, string? Group, int Campaigns, int Triggers);

/// <summary>One page of categories, by name.</summary>
public sealed record CategoryPage(IReadOnlyList<CategoryView> Items, int Page, int PageSize, int Total);

/// <summary>The one entry point for tracking categories: list, read, create, update, delete (refused while in use).</summary>
public sealed class CategoryService(IDbContextFactory<TritonDbContext> contexts, IValidator<CategoryInput> validator)
{
    public const int MaxPageSize = 500;

    public async Task<CategoryPage> ListAsync(string? group, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.TrackingCategories.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(group))
        {
            var groupId = await GroupNames.FindAsync(db, GroupScope.Category, group, cancellationToken);
            query = query.Where(c => c.GroupId == groupId);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderBy(c => c.Name).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new CategoryPage(await ViewsAsync(db, rows, cancellationToken), page, pageSize, total);
    }

    /// <summary>The names of the category groups, for filters and pickers.</summary>
    public async Task<List<string>> GroupNamesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await GroupNames.ChoicesAsync(db, GroupScope.Category, cancellationToken)).Select(g => g.Name).ToList();
    }

    /// <summary>Every category's id and name, for pickers.</summary>
    public async Task<List<TrackingCategory>> AllAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.TrackingCategories.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
    }

    public async Task<CategoryView?> GetAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var category = await db.TrackingCategories.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        return category is null ? null : (await ViewsAsync(db, [category], cancellationToken))[0];
    }

    /// <summary>The category with this name, or, when the text is a number, this id.</summary>
    public async Task<TrackingCategory?> FindAsync(string nameOrId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var text = nameOrId.Trim();
        return await db.TrackingCategories.AsNoTracking().FirstOrDefaultAsync(c => c.Name == text, cancellationToken)
            ?? (int.TryParse(text, out var id) ? await db.TrackingCategories.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) : null);
    }

    public async Task<ServiceResult<CategoryView>> SaveAsync(int? id, CategoryInput input, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(EditedEntity.For(input, id), cancellationToken);
        if (!validation.IsValid) return ServiceResult<CategoryView>.Invalid(ValidationErrors.Of(validation));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        TrackingCategory category;
        if (id is { } existing)
        {
            var found = await db.TrackingCategories.FirstOrDefaultAsync(c => c.Id == existing, cancellationToken);
            if (found is null) return ServiceResult<CategoryView>.NotFound();
            category = found;
        }
        else
        {
            category = new TrackingCategory { Name = "" };
            db.TrackingCategories.Add(category);
        }
        category.Name = input.Name!.Trim();
        category.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        category.GroupId = await GroupNames.FindAsync(db, GroupScope.Category, input.Group, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<CategoryView>.Saved((await ViewsAsync(db, [category], cancellationToken))[0]);
    }

    /// <summary>Deletes an unused category; one that campaigns or triggers name is a conflict (their stats would lose their home).</summary>
    public async Task<ServiceResult<CategoryView>> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var category = await db.TrackingCategories.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (category is null) return ServiceResult<CategoryView>.NotFound();
        var view = (await ViewsAsync(db, [category], cancellationToken))[0];
        if (view.Campaigns > 0 || view.Triggers > 0)
            return ServiceResult<CategoryView>.Conflict(
                $"The category is in use by {view.Campaigns} campaign(s) and {view.Triggers} trigger(s); assign them another category first.");
        db.TrackingCategories.Remove(category);
        await db.SaveChangesAsync(cancellationToken);
        return ServiceResult<CategoryView>.Saved(view);
    }

    /// <summary>Categories with their group names and usage (three small look-ups, not a join per row).</summary>
    private static async Task<List<CategoryView>> ViewsAsync(TritonDbContext db, List<TrackingCategory> categories, CancellationToken cancellationToken)
    {
        var ids = categories.Select(c => c.Id).ToList();
        var groupIds = categories.Where(c => c.GroupId is not null).Select(c => c.GroupId!.Value).Distinct().ToList();
        var groups = await db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, cancellationToken);
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.TrackingCategoryId != null && ids.Contains(c.TrackingCategoryId.Value))
            .GroupBy(c => c.TrackingCategoryId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var triggers = await db.Triggers.AsNoTracking().Where(t => t.TrackingCategoryId != null && ids.Contains(t.TrackingCategoryId.Value))
            .GroupBy(t => t.TrackingCategoryId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return categories.Select(c => new CategoryView(c, c.GroupId is { } g ? groups.GetValueOrDefault(g) : null,
            campaigns.GetValueOrDefault(c.Id), triggers.GetValueOrDefault(c.Id))).ToList();
    }
}
