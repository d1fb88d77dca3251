using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Data;
using Triton.Core.Domain;
using Triton.Tests.Sending;

namespace Triton.Tests.Templates;

/// <summary>One recipient's runaway render fails that delivery within the render time limit; the campaign goes on.</summary>
public sealed class RenderLimitsEngineTests
{
    [Fact]
    public async Task A_runaway_render_for_one_recipient_fails_that_delivery_and_frees_its_worker()
    {
        await using var scenario = await EngineScenario.StartAsync(DatabaseProvider.Sqlite,
            new() { ["Templates:RenderTimeoutMilliseconds"] = "500", ["Sending:Workers"] = "2" });
        var big = string.Join(",", Enumerable.Range(0, 200));
        var id = await scenario.CreateCampaignAsync(EngineScenario.Addresses(20), configure: c =>
            // Only the recipient whose first_name is N3 has loops to run: 200^5 passes that write nothing.
            c.CustomVariables = $$"""{"greeting":"hi","loops":{"N3":[1]},"big":[{{big}}]}""");
        await using (var db = scenario.Database.CreateContext())
        {
            var campaign = await db.Campaigns.SingleAsync(c => c.Id == id);
            var template = await db.Templates.SingleAsync(t => t.Id == campaign.TemplateId);
            template.Body += "{{#each (lookup loops first_name)}}{{#each @root.big}}{{#each @root.big}}{{#each @root.big}}{{#each @root.big}}{{/each}}{{/each}}{{/each}}{{/each}}{{/each}}";
            await db.SaveChangesAsync();
        }

        Assert.Equal(CommandStatus.Done, (await scenario.Commands.RunAsync(id, default)).Status);
        var done = await scenario.WaitForAsync(id, c => c.State == CampaignState.Finished, seconds: 60);

        Assert.Equal((19, 1), (done.Progress.Sent, done.Progress.Failed));
        var failed = Assert.Single(await scenario.DeliveriesAsync(id), d => d.Status == DeliveryStatus.Failed);
        Assert.StartsWith("Template error: Rendering took longer than 0.5 s", failed.LastReply);
        Assert.Equal(19, scenario.PickedUpRecipients().Count);
    }
}
