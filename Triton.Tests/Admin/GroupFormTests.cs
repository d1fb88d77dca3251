using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Web.Access;

namespace Triton.Tests.Admin;

/// <summary>The group form over real HTTP, checked by the API's group validator and scope rule.</summary>
public sealed class GroupFormTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;

    public GroupFormTests(AdminApp app) => this.app = app;

    [Fact]
    public async Task Bad_input_shows_the_field_error_and_saves_nothing()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var response = await AdminForm.PostAsync(client, "/groups/new", "group", new()
        {
            ["Form.Name"] = "",
            ["Form.Scope"] = "planet",
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("data-field-error=\"Name\"", html);
        Assert.Contains("data-field-error=\"Scope\"", html);
        Assert.Contains("must be one of", html);
        await using var db = app.Db();
        Assert.Equal(0, await db.Groups.CountAsync(g => g.Name == ""));
    }

    [Fact]
    public async Task Valid_input_creates_the_group_and_editing_renames_it()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var created = await AdminForm.PostAsync(client, "/groups/new", "group", new()
        {
            ["Form.Name"] = "Newsletters",
            ["Form.Scope"] = "campaign",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        int id;
        await using (var db = app.Db())
        {
            var group = await db.Groups.SingleAsync(g => g.Name == "Newsletters");
            Assert.Equal(GroupScope.Campaign, group.Scope);
            Assert.Equal($"/groups/{group.Id}?saved=true", AdminForm.Location(created));
            id = group.Id;
        }
        var edited = await AdminForm.PostAsync(client, $"/groups/{id}", "group", new()
        {
            ["Form.Name"] = "Weekly newsletters",
            ["Form.Scope"] = "campaign",
        });
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        var page = await client.GetStringAsync(AdminForm.Location(edited));
        Assert.Contains("<h1>Weekly newsletters</h1>", page);
        Assert.Contains("Saved.", page);
        await using (var db = app.Db())
            Assert.Equal("Weekly newsletters", (await db.Groups.SingleAsync(g => g.Id == id)).Name);
    }

    [Fact]
    public async Task A_group_holding_templates_keeps_its_scope()
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
        using var client = await AdminForm.SignedInAsync(app);
        var response = await AdminForm.PostAsync(client, $"/groups/{id}", "group", new()
        {
            ["Form.Name"] = "Layouts in use",
            ["Form.Scope"] = "list",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("data-field-error=\"Scope\"", await response.Content.ReadAsStringAsync());
        await using (var db = app.Db())
            Assert.Equal(GroupScope.Template, (await db.Groups.SingleAsync(g => g.Id == id)).Scope);
    }

    [Fact]
    public async Task Viewer_sees_the_group_read_only_and_a_forged_post_answers_403()
    {
        int id;
        await using (var db = app.Db())
        {
            var group = new Group { Name = "Viewed group", Scope = GroupScope.List };
            db.Groups.Add(group);
            await db.SaveChangesAsync();
            id = group.Id;
        }
        using var client = await AdminForm.SignedInAsync(app, AdminRoles.Viewer);
        var page = await client.GetStringAsync($"/groups/{id}");
        Assert.Contains("<fieldset disabled", page);
        Assert.Contains("<option value=\"list\" selected", page);
        Assert.DoesNotContain("type=\"submit\">Save", page);
        Assert.DoesNotContain("/groups/new", await client.GetStringAsync("/groups"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/groups/new")).StatusCode);

        var forged = await AdminForm.PostAsync(client, $"/groups/{id}", "group", new()
        {
            ["Form.Name"] = "Renamed by a viewer",
            ["Form.Scope"] = "list",
        }, tokenPage: $"/groups/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var forgedNew = await AdminForm.PostAsync(client, "/groups/new", "group", new()
        {
            ["Form.Name"] = "Created by a viewer",
            ["Form.Scope"] = "list",
        }, tokenPage: "/groups");
        Assert.Equal(HttpStatusCode.Forbidden, forgedNew.StatusCode);
        await using var check = app.Db();
        Assert.Equal("Viewed group", (await check.Groups.SingleAsync(g => g.Id == id)).Name);
        Assert.False(await check.Groups.AnyAsync(g => g.Name == "Created by a viewer"));
    }
}
