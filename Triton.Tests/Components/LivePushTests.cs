using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Triton.Core.Campaigns;
using Triton.Core.Domain;
using Triton.Web.Components.Campaigns;

namespace Triton.Tests.Components;

/// <summary>
/// A push that moves several live parts reaches the browser as one render batch: Blazor calls every component's
/// OnAfterRender once the batch holding it went out, so parts rendered in one batch all render before any is "after".
/// </summary>
public sealed class LivePushTests : BunitContext
{
    private readonly List<string> log = [];

    [Fact]
    public async Task A_push_through_LivePush_renders_every_part_it_moves_in_one_batch()
    {
        var live = new LiveProgress(Progress(sent: 0));
        var push = Render<LivePush>();
        Render<SentRecorder>(p => p.Add(r => r.Source, live).Add(r => r.Name, "counters").Add(r => r.Log, log));
        Render<SentRecorder>(p => p.Add(r => r.Source, live).Add(r => r.Name, "chart").Add(r => r.Log, log));
        log.Clear();

        await push.InvokeAsync(() => push.Instance.Run(() => live.Publish(Progress(sent: 10))));

        Assert.Equal(["render counters", "render chart", "after counters", "after chart"], log);
    }

    [Fact]
    public async Task Without_it_each_part_goes_in_a_batch_of_its_own()
    {
        // What LivePush is for: published outside a render, each part renders and is sent before the next one renders.
        var live = new LiveProgress(Progress(sent: 0));
        var first = Render<SentRecorder>(p => p.Add(r => r.Source, live).Add(r => r.Name, "counters").Add(r => r.Log, log));
        Render<SentRecorder>(p => p.Add(r => r.Source, live).Add(r => r.Name, "chart").Add(r => r.Log, log));
        log.Clear();

        await first.InvokeAsync(() => live.Publish(Progress(sent: 10)));

        Assert.Equal(["render counters", "after counters", "render chart", "after chart"], log);
    }

    [Fact]
    public async Task A_push_that_moves_nothing_shown_renders_nothing()
    {
        var live = new LiveProgress(Progress(sent: 5));
        var push = Render<LivePush>();
        Render<SentRecorder>(p => p.Add(r => r.Source, live).Add(r => r.Name, "counters").Add(r => r.Log, log));
        log.Clear();

        await push.InvokeAsync(() => push.Instance.Run(() => live.Publish(Progress(sent: 5))));

        Assert.Empty(log);
    }

    private static CampaignProgressEvent Progress(long sent) =>
        new(1, CampaignState.Running, null, 100, 100, sent, 0, 0, 0, 0, 0, null, DateTimeOffset.UnixEpoch);

    /// <summary>A live part that shows the Sent counter and logs its renders and the batches that carried them.</summary>
    public sealed class SentRecorder : LiveProgressView
    {
        private long sent = -1;

        [Parameter] public string Name { get; set; } = "";
        [Parameter] public List<string> Log { get; set; } = [];

        protected override bool Show(CampaignProgressEvent progress)
        {
            if (progress.Sent == sent) return false;
            sent = progress.Sent;
            return true;
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Log.Add("render " + Name);
            builder.AddContent(0, sent);
        }

        protected override void OnAfterRender(bool firstRender) => Log.Add("after " + Name);
    }
}
