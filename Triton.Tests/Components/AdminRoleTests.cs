using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core.Groups;
using Triton.Core.Mail;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Groups;
using Triton.Web.Components.Transports;

namespace Triton.Tests.Components;

/// <summary>Roles on the interactive editors: who sees no write buttons, and what a click from such a circuit changes (nothing).</summary>
public sealed class AdminRoleTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    [Theory]
    [InlineData(AdminRoles.Editor)]
    [InlineData(AdminRoles.Viewer)]
    public async Task Only_admins_see_a_transports_save_test_and_key_buttons(string role)
    {
        var id = (await App.Services.GetRequiredService<TransportService>()
            .CreateAsync(new TransportInput { Name = "Read-only for " + role, Kind = "pickup" }, default)).Value!.Transport.Id;
        SignIn(role);
        var editor = Render<TransportEditor>(p => p.Add(e => e.TransportId, id));
        editor.WaitForAssertion(() => Assert.Equal("Read-only for " + role, Field(editor, "Name").QuerySelector("input")!.GetAttribute("value")), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(editor.FindAll("button"), b => b.TextContent.Trim() is "Save" or "Test connection" or "Generate key");
        Assert.True(Field(editor, "Name").QuerySelector("input")!.HasAttribute("readonly"));
        Assert.Empty(editor.FindAll("textarea"));

        SignIn(AdminRoles.Admin);
        var admin = Render<TransportEditor>(p => p.Add(e => e.TransportId, id));
        admin.WaitForAssertion(() => Assert.Contains(admin.FindAll("button"), b => b.TextContent.Trim() == "Test connection"), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_viewer_sees_a_group_read_only()
    {
        var id = (await App.Services.GetRequiredService<GroupService>().CreateAsync(new GroupInput { Name = "Viewed group", Scope = "list" }, default)).Value!.Id;
        SignIn(AdminRoles.Viewer);
        var editor = Render<GroupEditor>(p => p.Add(e => e.GroupId, id));
        editor.WaitForAssertion(() => Assert.Equal("Viewed group", Field(editor, "Name").QuerySelector("input")!.GetAttribute("value")), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(editor.FindAll("button"), b => b.TextContent.Trim() is "Save" or "Delete");
    }
}
