using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Domain;
using Group = Triton.Core.Domain.Group;
using Triton.Web.Access;

namespace Triton.Tests.Admin;

/// <summary>The template editor and its preview over real HTTP: Triton.Core's compile, partial and cycle checks decide.</summary>
public sealed class TemplateFormTests : IClassFixture<AdminApp>
{
    private readonly AdminApp app;

    public TemplateFormTests(AdminApp app) => this.app = app;

    [Fact]
    public async Task A_template_that_does_not_compile_is_refused_with_its_line_and_column_and_nothing_is_saved()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var response = await AdminForm.PostAsync(client, "/templates/new", "template", new()
        {
            ["Form.Name"] = "broken-layout",
            ["Form.Body"] = "<p>Hello</p>\n<p>{{#each items}}{{this}}</p>\n",
            ["Form.InlineCss"] = "true",
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = Regex.Match(html, "data-field-error=\"Body\">([^<]*)<");
        Assert.True(error.Success, html);
        Assert.Matches(@"^Line \d+, column \d+: ", WebUtility.HtmlDecode(error.Groups[1].Value));
        Assert.Contains("{{#each items}}", WebUtility.HtmlDecode(html));
        await using var db = app.Db();
        Assert.False(await db.Templates.AnyAsync(t => t.Name == "broken-layout"));
    }

    [Fact]
    public async Task A_body_over_512_KB_is_refused_beside_the_field_saved_nowhere_and_not_previewed()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var tooLarge = "<p>" + new string('x', 512 * 1024) + "</p>";
        var response = await AdminForm.PostAsync(client, "/templates/new", "template", new()
        {
            ["Form.Name"] = "too-large",
            ["Form.Body"] = "<p>ok</p>",
            ["Form.TextBody"] = tooLarge,
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Matches("data-field-error=\"TextBody\">[^<]*512 KB", await response.Content.ReadAsStringAsync());
        var body = await AdminForm.PostAsync(client, "/templates/new", "template", new()
        {
            ["Form.Name"] = "too-large",
            ["Form.Body"] = tooLarge,
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, body.StatusCode);
        Assert.Matches("data-field-error=\"Body\">[^<]*512 KB", await body.Content.ReadAsStringAsync());
        await using (var db = app.Db())
            Assert.False(await db.Templates.AnyAsync(t => t.Name == "too-large"));

        var preview = await AdminForm.PostAsync(client, "/templates/preview", "", new() { ["Form.Body"] = tooLarge }, tokenPage: "/templates/new");
        var html = await preview.Content.ReadAsStringAsync();
        Assert.Contains("data-preview-error", html);
        Assert.Contains("512 KB", html);
        Assert.DoesNotContain("<iframe", html);
    }

    [Fact]
    public async Task Bad_fields_a_missing_partial_and_a_cycle_are_refused_beside_their_fields()
    {
        await using (var db = app.Db())
        {
            db.Groups.Add(new Group { Name = "Campaigns only", Scope = GroupScope.Campaign });
            db.Templates.Add(new Template { Name = "cycle-a", Body = "<p>{{> cycle-b}}</p>" });
            await db.SaveChangesAsync();
        }
        using var client = await AdminForm.SignedInAsync(app);
        var badFields = await AdminForm.PostAsync(client, "/templates/new", "template", new()
        {
            ["Form.Name"] = "has spaces",
            ["Form.Group"] = "Campaigns only",
            ["Form.Body"] = "<p>ok</p>",
        });
        var html = await badFields.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badFields.StatusCode);
        Assert.Contains("data-field-error=\"Name\"", html);
        Assert.Contains("data-field-error=\"Group\"", html);

        var missing = await AdminForm.PostAsync(client, "/templates/new", "template", new()
        {
            ["Form.Name"] = "uses-missing",
            ["Form.Body"] = "<p>{{> no-such-partial}}</p>",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Contains("The partial &#x27;no-such-partial&#x27; does not exist", await missing.Content.ReadAsStringAsync());

        var cycle = await AdminForm.PostAsync(client, "/templates/new", "template", new()
        {
            ["Form.Name"] = "cycle-b",
            ["Form.Body"] = "<p>{{> cycle-a}}</p>",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cycle.StatusCode);
        Assert.Contains("cycle-b &gt; cycle-a &gt; cycle-b", await cycle.Content.ReadAsStringAsync());

        await using var check = app.Db();
        Assert.False(await check.Templates.AnyAsync(t => t.Name == "has spaces" || t.Name == "uses-missing" || t.Name == "cycle-b"));
    }

    [Fact]
    public async Task A_text_body_that_does_not_compile_is_refused_beside_it_and_a_valid_one_is_saved()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var broken = await AdminForm.PostAsync(client, "/templates/new", "template", new()
        {
            ["Form.Name"] = "with-text",
            ["Form.Body"] = "<p>Hi {{email}}</p>",
            ["Form.TextBody"] = "Hi {{email}}\n{{#each items}}",
        });
        var html = await broken.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        Assert.Matches("data-field-error=\"TextBody\">Line \\d+, column \\d+: ", html);
        await using (var db = app.Db())
            Assert.False(await db.Templates.AnyAsync(t => t.Name == "with-text"));

        var saved = await AdminForm.PostAsync(client, "/templates/new", "template", new()
        {
            ["Form.Name"] = "with-text",
            ["Form.Body"] = "<p>Hi {{email}}</p>",
            ["Form.TextBody"] = "Hi {{email}}, plain",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await using (var db = app.Db())
            Assert.Equal("Hi {{email}}, plain", (await db.Templates.SingleAsync(t => t.Name == "with-text")).TextBody);
    }

    [Fact]
    public async Task Valid_input_saves_and_an_edit_moves_the_version()
    {
        await using (var db = app.Db())
        {
            db.Groups.Add(new Group { Name = "Layouts", Scope = GroupScope.Template });
            db.Templates.Add(new Template { Name = "shared-footer", Body = "<footer>Bye {{email}}</footer>" });
            await db.SaveChangesAsync();
        }
        using var client = await AdminForm.SignedInAsync(app);
        var created = await AdminForm.PostAsync(client, "/templates/new", "template", new()
        {
            ["Form.Name"] = "welcome",
            ["Form.Group"] = "Layouts",
            ["Form.Description"] = "Sent after sign-up",
            ["Form.Body"] = "<p>Hello {{email}}</p>{{> shared-footer}}",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Template saved;
        await using (var db = app.Db())
            saved = await db.Templates.AsNoTracking().Include(t => t.Group).SingleAsync(t => t.Name == "welcome");
        Assert.Equal($"/templates/{saved.Id}?saved=true", AdminForm.Location(created));
        Assert.Equal(("Layouts", "Sent after sign-up", false, 1), (saved.Group?.Name, saved.Description, saved.InlineCss, saved.Version));

        var page = await client.GetStringAsync($"/templates/{saved.Id}");
        Assert.Contains("{{&gt; shared-footer}}", page);
        Assert.DoesNotContain("{{&gt; welcome}}", page);
        Assert.Contains("<option value=\"Layouts\" selected", page);

        var edited = await AdminForm.PostAsync(client, $"/templates/{saved.Id}", "template", new()
        {
            ["Form.Name"] = "welcome",
            ["Form.Group"] = "Layouts",
            ["Form.Body"] = "<p>Welcome {{email}}</p>",
            ["Form.InlineCss"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Contains("Saved (version 2)", await client.GetStringAsync(AdminForm.Location(edited)));
        await using (var db = app.Db())
        {
            var after = await db.Templates.AsNoTracking().SingleAsync(t => t.Id == saved.Id);
            Assert.Equal(("<p>Welcome {{email}}</p>", true, 2), (after.Body, after.InlineCss, after.Version));
        }
    }

    [Fact]
    public async Task Preview_renders_the_posted_markup_with_sample_values_in_a_sandboxed_frame()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var response = await AdminForm.PostAsync(client, "/templates/preview", "", new()
        {
            ["Form.Name"] = "not-saved",
            ["Form.Body"] = "<style>p { color: red; }</style><p>Hi {{email}}, {{upper tracking_category_name}}</p><script>alert(1)</script>",
            ["Form.InlineCss"] = "true",
        }, tokenPage: "/templates/new");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frame = Regex.Match(html, "<iframe[^>]*>");
        Assert.True(frame.Success, html);
        // The sandbox attribute is present and empty: every restriction applies, scripts included.
        Assert.Matches("\\ssandbox(=\"\")?[\\s>]", frame.Value);
        Assert.DoesNotContain("allow-scripts", frame.Value);
        var srcdoc = WebUtility.HtmlDecode(Regex.Match(frame.Value, "srcdoc=\"([^\"]*)\"").Groups[1].Value);
        Assert.Contains("Hi recipient@example.com, PREVIEW", srcdoc);
        Assert.Contains("<p style=\"color: rgba(255, 0, 0, 1)\">", srcdoc);
        // No text body: the plain-text part is derived from the HTML.
        Assert.Matches("data-preview-text>Hi recipient@example.com, PREVIEW", html);
        await using var db = app.Db();
        Assert.False(await db.Templates.AnyAsync(t => t.Name == "not-saved"));
    }

    [Fact]
    public async Task Preview_shows_a_compile_error_with_its_position_and_needs_the_antiforgery_token()
    {
        using var client = await AdminForm.SignedInAsync(app);
        var response = await AdminForm.PostAsync(client, "/templates/preview", "", new()
        {
            ["Form.Body"] = "<p>fine</p>\n<p>{{#if x}}never closed</p>",
        }, tokenPage: "/templates/new");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches("data-preview-error data-line=\"\\d+\" data-column=\"\\d+\"", html);
        Assert.Matches(@"Line \d+, column \d+: ", html);
        Assert.DoesNotContain("<iframe", html);

        var noToken = await client.PostAsync("/templates/preview", new FormUrlEncodedContent(new Dictionary<string, string> { ["Form.Body"] = "<p>x</p>" }));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        using var anonymous = app.CreateBrowserlessClient();
        var signedOut = await anonymous.PostAsync("/templates/preview", new FormUrlEncodedContent(new Dictionary<string, string> { ["Form.Body"] = "<p>x</p>" }));
        Assert.NotEqual(HttpStatusCode.OK, signedOut.StatusCode);
    }

    [Fact]
    public async Task Only_editors_and_admins_may_preview_and_a_viewer_gets_403()
    {
        var form = new Dictionary<string, string> { ["Form.Name"] = "preview-role", ["Form.Body"] = "<p>Hi {{email}}</p>" };
        using var viewer = await AdminForm.SignedInAsync(app, AdminRoles.Viewer);
        var refused = await AdminForm.PostAsync(viewer, "/templates/preview", "", form, tokenPage: "/templates");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("recipient@example.com", await refused.Content.ReadAsStringAsync());

        using var editor = await AdminForm.SignedInAsync(app, AdminRoles.Editor);
        var rendered = await AdminForm.PostAsync(editor, "/templates/preview", "", form, tokenPage: "/templates/new");
        Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
        Assert.Contains("Hi recipient@example.com", WebUtility.HtmlDecode(await rendered.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Viewer_sees_the_template_read_only_and_a_forged_post_answers_403()
    {
        int id;
        await using (var db = app.Db())
        {
            var template = new Template { Name = "viewed-template", Body = "<p>Look, do not touch</p>" };
            db.Templates.Add(template);
            await db.SaveChangesAsync();
            id = template.Id;
        }
        using var viewer = await AdminForm.SignedInAsync(app, AdminRoles.Viewer);
        var page = await viewer.GetStringAsync($"/templates/{id}");
        Assert.Contains("<fieldset disabled", page);
        Assert.Matches("<textarea[^>]*id=\"t-body\"[^>]*readonly", page);
        Assert.DoesNotContain("hx-post=\"/templates/preview\"", page);
        Assert.DoesNotContain("type=\"submit\"", Regex.Match(page, "<form[^>]*id=\"template-form\".*?</form>", RegexOptions.Singleline).Value);
        Assert.DoesNotContain("/templates/new", await viewer.GetStringAsync("/templates"));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/templates/new")).StatusCode);

        var forged = await AdminForm.PostAsync(viewer, $"/templates/{id}", "template", new()
        {
            ["Form.Name"] = "viewed-template",
            ["Form.Body"] = "<p>Changed by a viewer</p>",
        });
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var forgedNew = await AdminForm.PostAsync(viewer, "/templates/new", "template", new()
        {
            ["Form.Name"] = "viewer-made",
            ["Form.Body"] = "<p>x</p>",
        }, tokenPage: "/templates");
        Assert.Equal(HttpStatusCode.Forbidden, forgedNew.StatusCode);
        await using var check = app.Db();
        Assert.Equal("<p>Look, do not touch</p>", (await check.Templates.SingleAsync(t => t.Id == id)).Body);
        Assert.False(await check.Templates.AnyAsync(t => t.Name == "viewer-made"));
    }
}
