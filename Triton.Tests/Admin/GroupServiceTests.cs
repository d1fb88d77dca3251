using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Groups;

namespace Triton.Tests.Admin;

/// <summary>The group service the groups page and the API call, over the real app's database.</summary>
public sealed class GroupServiceTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;
    private readonly GroupService service;

    public GroupServiceTests(AdminApp app)
    {
        this.app = app;
        service = app.Services.GetRequiredService<GroupService>();
    }

    [Fact]
    public async Task Bad_input_is_refused_by_field_and_saves_nothing()
    {
        var before = (await service.ListAsync(null, default)).Count;
        var result = await service.CreateAsync(new GroupInput { Name = "", Scope = "planet" }, default);
        Assert.Equal(ServiceStatus.Invalid, result.Status);
        Assert.True(result.Errors!.ContainsKey("name"));
        Assert.Contains("must be one of", string.Join(" ", result.Errors["scope"]));
        Assert.Equal(before, (await service.ListAsync(null, default)).Count);
    }

    [Fact]
    public async Task A_group_is_created_renamed_and_its_name_is_unique_within_its_scope()
    {
        var created = await service.CreateAsync(new GroupInput { Name = " Newsletters ", Scope = "campaign" }, default);
        Assert.Equal(ServiceStatus.Saved, created.Status);
        var id = created.Value!.Id;
        Assert.Equal("Newsletters", created.Value.Name);
        Assert.Equal(ServiceStatus.Saved, (await service.CreateAsync(new GroupInput { Name = "Newsletters", Scope = "list" }, default)).Status);
        var duplicate = await service.CreateAsync(new GroupInput { Name = "Newsletters", Scope = "campaign" }, default);
        Assert.True(duplicate.Errors!.ContainsKey("name"));

        Assert.Equal(ServiceStatus.Saved, (await service.UpdateAsync(id, new GroupInput { Name = "Weekly newsletters", Scope = "campaign" }, default)).Status);
        Assert.Equal("Weekly newsletters", (await service.FindAsync(id, default))!.Name);
        Assert.Contains(await service.ListAsync(GroupScope.Campaign, default), g => g.Id == id);
        Assert.DoesNotContain(await service.ListAsync(GroupScope.List, default), g => g.Id == id);
    }

    [Fact]
    public async Task A_group_holding_templates_keeps_its_scope_and_deleting_it_keeps_what_it_held()
    {
        int id;
        await using (var db = app.Db())
        {
            var group = new Group { Name = "Layouts in use", Scope = GroupScope.Template };
            db.Groups.Add(group);
            await db.SaveChangesAsync();
            db.Templates.Add(new Template { Name = "grouped-layout", Body = "<p>x</p>", GroupId = group.Id });
            await db.SaveChangesAsync();
            id = group.Id;
        }
        var refused = await service.UpdateAsync(id, new GroupInput { Name = "Layouts in use", Scope = "list" }, default);
        Assert.Equal(ServiceStatus.Conflict, refused.Status);
        Assert.Equal("scope", refused.Field);
        Assert.Equal(GroupScope.Template, (await service.FindAsync(id, default))!.Scope);

        Assert.Equal(ServiceStatus.Saved, (await service.DeleteAsync(id, default)).Status);
        Assert.Null(await service.FindAsync(id, default));
        await using (var db = app.Db())
            Assert.Null((await db.Templates.SingleAsync(t => t.Name == "grouped-layout")).GroupId);
        Assert.Equal(ServiceStatus.NotFound, (await service.DeleteAsync(id, default)).Status);
    }
}
