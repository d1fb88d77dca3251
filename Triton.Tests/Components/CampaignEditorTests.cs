using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Triton.Core;
using Triton.Core.Domain;
using Triton.Core.Tracking;
using Triton.Tests.Admin;
using Triton.Web.Access;
using Triton.Web.Components.Campaigns;

namespace Triton.Tests.Components;

/// <summary>
/// The interactive campaign editor over the real CampaignService: the validator's messages land at
/// their fields, nothing is saved until the input is good, and an edit saves every field.
/// </summary>
public sealed class CampaignEditorTests(AdminApp app) : AdminComponentTest(app), IClassFixture<AdminApp>
{
    [Fact]
    public async Task Bad_input_shows_each_message_at_its_field_and_saves_nothing()
    {
        SignIn(AdminRoles.Editor);
        var editor = Render<CampaignEditor>();
        editor.WaitForAssertion(() => Field(editor, "Name"), TimeSpan.FromSeconds(10));
        Enter(editor, "Name", "Broken in the editor");
        Enter(editor, "From address", "not an address");
        Enter(editor, "Concurrency", "0");
        // A variable named twice: caught before the service, shown together with the service's findings.
        for (var i = 0; i < 2; i++)
        {
            editor.Find("[data-table=\"CustomVariables\"]").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Add row").Click();
            editor.Find("[data-table=\"CustomVariables\"]").QuerySelectorAll("input[aria-label=\"Name\"]")[i].Change("season");
        }

        Click(editor, "Create campaign");

        editor.WaitForAssertion(() => Assert.Contains("valid email", ErrorAt(Field(editor, "From address")), StringComparison.OrdinalIgnoreCase), TimeSpan.FromSeconds(10));
        Assert.NotEmpty(ErrorAt(Field(editor, "Concurrency")));
        Assert.NotEmpty(ErrorAt(Field(editor, "Template")));
        Assert.NotEmpty(ErrorAt(Field(editor, "List")));
        Assert.NotEmpty(ErrorAt(Field(editor, "Transport")));
        Assert.Empty(ErrorAt(Field(editor, "Name")));
        Assert.NotEmpty(editor.FindAll("[data-field-error=\"Subjects\"]"));
        Assert.Contains("is there twice", editor.Find("[data-field-error=\"CustomVariables\"]").TextContent);

        // Without the twice-named variable the save reaches the service, whose refusal shows the same way.
        editor.Find("[data-table=\"CustomVariables\"]").QuerySelectorAll("button[aria-label=\"Remove\"]")[1].Click();
        Click(editor, "Create campaign");
        editor.WaitForAssertion(() => Assert.Empty(editor.FindAll("[data-field-error=\"CustomVariables\"]")), TimeSpan.FromSeconds(10));
        Assert.Contains("valid email", ErrorAt(Field(editor, "From address")), StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(ErrorAt(Field(editor, "Template")));
        await using var db = App.Db();
        Assert.False(await db.Campaigns.AnyAsync(c => c.Name == "Broken in the editor"));
    }

    [Fact]
    public async Task An_edit_shows_the_saved_values_and_saves_every_field()
    {
        var id = await CampaignSeed.CreateCampaignAsync(App.Services, "Edited in the editor", 2);
        SignIn(AdminRoles.Admin);
        var editor = Render<CampaignEditor>(p => p.Add(e => e.CampaignId, id));
        editor.WaitForAssertion(() => Assert.Equal("Edited in the editor", Field(editor, "Name").QuerySelector("input")!.GetAttribute("value")), TimeSpan.FromSeconds(10));
        Assert.Equal("Hello", Field(editor, "Subject 1").QuerySelector("input")!.GetAttribute("value"));

        Enter(editor, "Name", "Edited and saved");
        Click(editor, "Add subject");
        Enter(editor, "Subject 2", "Hi again");
        editor.Find("[data-table=\"CustomHeaders\"]").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Add row").Click();
        var headers = editor.Find("[data-table=\"CustomHeaders\"]");
        headers.QuerySelector("input[aria-label=\"Name\"]")!.Change("X-Campaign");
        editor.Find("[data-table=\"CustomHeaders\"]").QuerySelector("input[aria-label=\"Value\"]")!.Change("spring");
        Enter(editor, "Concurrency", "8");
        Click(editor, "Save");

        editor.WaitForAssertion(() => Assert.Contains(Services.GetRequiredService<MudBlazor.ISnackbar>().ShownSnackbars, s => s.Message == "Saved."), TimeSpan.FromSeconds(10));
        await using var db = App.Db();
        var saved = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id);
        Assert.Equal("Edited and saved", saved.Name);
        Assert.Equal(["Hello", "Hi again"], saved.Subjects);
        Assert.Equal("spring", saved.CustomHeaders["X-Campaign"]);
        Assert.Equal(8, saved.Concurrency);
    }

    [Fact]
    public async Task The_tracking_category_is_picked_by_name_and_tracking_switched_off()
    {
        var id = await CampaignSeed.CreateCampaignAsync(App.Services, "Tracked in the editor", 1);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var picked = await CreateCategoryAsync("Newsletter " + suffix);
        await CreateCategoryAsync("Receipts " + suffix);
        SignIn(AdminRoles.Editor);
        var editor = Render<CampaignEditor>(p => p.Add(e => e.CampaignId, id));
        editor.WaitForAssertion(() => Field(editor, "Tracking category"), TimeSpan.FromSeconds(10));
        // A new campaign tracks (the API's default): the switch shows it on.
        Assert.True(editor.Find("input[data-field=Tracking]").HasAttribute("checked"));

        var items = OpenSelect(editor, "Tracking category");
        Assert.Equal("None", items[0]);
        Assert.Contains("Newsletter " + suffix, items);
        Assert.Contains("Receipts " + suffix, items);
        PickItem("Newsletter " + suffix);
        StaleHandlers.Retry(editor, () => editor.Find("input[data-field=Tracking]").Change(false));
        Click(editor, "Save");

        editor.WaitForAssertion(() => Assert.Contains(Services.GetRequiredService<MudBlazor.ISnackbar>().ShownSnackbars, s => s.Message == "Saved."), TimeSpan.FromSeconds(10));
        await using (var db = App.Db())
        {
            var saved = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id);
            Assert.Equal(picked, saved.TrackingCategoryId);
            Assert.False(saved.TrackingEnabled);
        }

        // Opened again, the editor shows what was saved; None takes the category off.
        var again = Render<CampaignEditor>(p => p.Add(e => e.CampaignId, id));
        again.WaitForAssertion(() => Assert.False(again.Find("input[data-field=Tracking]").HasAttribute("checked")), TimeSpan.FromSeconds(10));
        OpenSelect(again, "Tracking category");
        PickItem("None");
        var snackbar = Services.GetRequiredService<MudBlazor.ISnackbar>();
        snackbar.Clear();
        Click(again, "Save");
        again.WaitForAssertion(() => Assert.Contains(snackbar.ShownSnackbars, s => s.Message == "Saved."), TimeSpan.FromSeconds(10));
        await using (var db = App.Db())
            Assert.Null((await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == id)).TrackingCategoryId);
    }

    [Theory]
    [InlineData(CampaignState.Running)]
    [InlineData(CampaignState.Pending)]
    public async Task An_active_campaign_is_not_offered_for_editing(CampaignState state)
    {
        var id = await CampaignSeed.CreateCampaignAsync(App.Services, "Active " + state, 3, ratePerSecond: 0.01);
        await using (var db = App.Db())
            await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, state));
        SignIn(AdminRoles.Editor);
        var page = Render<CampaignEditPage>(p => p.Add(e => e.Id, id));
        page.WaitForAssertion(() => Assert.Contains("pause or stop it before editing", page.Find("[data-edit-refused]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-campaign-editor]"));
    }

    [Fact]
    public void A_schedule_entered_in_the_users_time_zone_is_stored_as_utc()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var form = new CampaignFormModel { ScheduleDate = new DateTime(2026, 7, 1), ScheduleTime = new TimeSpan(9, 30, 0) };
        var input = form.ToInput(paris, new Dictionary<string, string[]>());
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 7, 30, 0, TimeSpan.Zero), input.ScheduleAt);

        var shown = CampaignFormModel.From(new Campaign { Name = "x", FromAddress = "a@example.com", ScheduleAt = input.ScheduleAt }, null, paris);
        Assert.Equal((new DateTime(2026, 7, 1), new TimeSpan(9, 30, 0)), (shown.ScheduleDate, shown.ScheduleTime));
    }

    private async Task<int> CreateCategoryAsync(string name)
    {
        using var scope = App.Services.CreateScope();
        var saved = await scope.ServiceProvider.GetRequiredService<CategoryService>().SaveAsync(null, new CategoryInput { Name = name }, default);
        Assert.Equal(ServiceStatus.Saved, saved.Status);
        return saved.Value!.Category.Id;
    }
}
