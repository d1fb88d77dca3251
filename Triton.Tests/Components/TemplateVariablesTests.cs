using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Triton.Core.Domain;
using Triton.Core.Templates;
using Triton.Tests.Admin;
using Triton.Web.Components.Templates;

namespace Triton.Tests.Components;

/// <summary>
/// The template editor's "Used variables" tab over the real app's database: every name the markup
/// uses, and whether it comes from the chosen list, a campaign using the template, the built-ins,
/// another template, a helper, or nowhere known.
/// </summary>
public sealed class TemplateVariablesTests : BunitContext, IClassFixture<AdminApp>, IAsyncLifetime
{
    private readonly AdminApp app;

    public TemplateVariablesTests(AdminApp app)
    {
        this.app = app;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public async Task Each_used_name_shows_where_its_value_comes_from_and_its_lines()
    {
        var parts = await CampaignSeed.CreateAsync(app.Services, "vars-" + Guid.NewGuid().ToString("N")[..6], 1);
        int listId, templateId;
        await using (var db = app.Db())
        {
            var list = new MailingList { Name = "vars list " + Guid.NewGuid().ToString("N")[..6], CreatedAt = DateTimeOffset.UtcNow,
                Columns = [new ListColumn { Name = "city", Position = 0 }] };
            var template = new Template { Name = "vars-main-" + Guid.NewGuid().ToString("N")[..6], Body = "" };
            db.AddRange(list, template);
            db.Templates.Add(new Template { Name = "vars-footer", Body = "<footer/>" });
            await db.SaveChangesAsync();
            db.Campaigns.Add(new Campaign
            {
                Name = "vars campaign " + Guid.NewGuid().ToString("N")[..6], TemplateId = template.Id, ListId = list.Id, TransportId = parts.TransportId,
                Subjects = ["Hi"], FromAddress = "news@example.com", CustomVariables = "{\"promo\":\"SPRING\"}",
            });
            await db.SaveChangesAsync();
            (listId, templateId) = (list.Id, template.Id);
        }
        const string body = "<p>Hi {{upper city}}, {{email}}</p>\n{{#if promo}}Code {{promo}}{{/if}}\n{{> vars-footer}}\n{{mystery.value}} {{city}}";

        var scope = await app.Services.GetRequiredService<TemplateService>().ScopeAsync(templateId, listId, CancellationToken.None);
        var tab = Render<UsedVariables>(p => p.Add(u => u.Variables, TemplateVariables.Analyze(body, scope)));

        string Source(string name) => tab.Find($"[data-variable=\"{name}\"]").GetAttribute("data-source")!;
        Assert.Equal("ListColumn", Source("city"));
        Assert.Equal("Helper", Source("upper"));
        Assert.Equal("BuiltIn", Source("email"));
        Assert.Equal("CampaignVariable", Source("promo"));
        Assert.Equal("Partial", Source("vars-footer"));
        Assert.Equal("Unknown", Source("mystery"));
        Assert.DoesNotContain(tab.FindAll("[data-variable]"), row => row.GetAttribute("data-variable") is "if" or "value");
        Assert.Equal("1, 4", tab.Find("[data-variable=\"city\"] td:last-child").TextContent.Trim());
        Assert.Contains("unknown", tab.Find("[data-variable=\"mystery\"]").TextContent);
    }

    [Fact]
    public void Without_a_list_a_column_name_is_unknown_and_markup_without_names_says_so()
    {
        var scope = new VariableScope([], [], []);
        Assert.Equal(VariableSource.Unknown, Assert.Single(TemplateVariables.Analyze("{{city}}", scope)).Source);

        var tab = Render<UsedVariables>(p => p.Add(u => u.Variables, TemplateVariables.Analyze("<p>{{! a comment }}plain</p>", scope)));
        Assert.NotNull(tab.Find("[data-used-variables-empty]"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services dispose only asynchronously.</summary>
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
