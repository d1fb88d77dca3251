using Microsoft.AspNetCore.Components;
using Triton.Core.Campaigns;
using Triton.Core.Domain;

namespace Triton.Web.Components.Campaigns;

/// <summary>
/// The latest progress of one campaign as a page shows it. The page owns it (and its
/// <see cref="ProgressWatch"/>) and publishes each push here; the live parts of the page
/// (<see cref="LiveProgressView"/>s: counters, progress bar, rate chart, failures) re-render themselves,
/// so a push diffs a few numbers instead of the whole page and its MudBlazor children.
/// </summary>
public sealed class LiveProgress(CampaignProgressEvent current)
{
    public CampaignProgressEvent Current { get; private set; } = current;

    /// <summary>Raised on the renderer's dispatcher after <see cref="Current"/> changed.</summary>
    public event Action? Changed;

    /// <summary>A new snapshot for the live parts. Call it on the renderer's dispatcher (inside InvokeAsync).</summary>
    public void Publish(CampaignProgressEvent next)
    {
        Current = next;
        Changed?.Invoke();
    }

    /// <summary>
    /// A new snapshot without telling the live parts: the page re-renders itself right after, and they
    /// take it from there (one render batch instead of two).
    /// </summary>
    public void Replace(CampaignProgressEvent next) => Current = next;

    /// <summary>
    /// What a page opens with: the feed's latest snapshot of the campaign, unless the row read now changed
    /// state since (an action just now); then the row's counters.
    /// </summary>
    public static CampaignProgressEvent Snapshot(ICampaignProgressFeed feed, Campaign row) =>
        feed.Latest(row.Id) is { } latest && latest.State == row.State ? latest : new(
            row.Id, row.State, row.StateReason, row.Progress.Plan, row.Progress.Enqueued, row.Progress.Sent, row.Progress.Skipped,
            row.Progress.Failed, row.Progress.Bounced, 0, 0, null, row.UpdatedAt);
}

/// <summary>
/// A live part of a campaign page: follows a <see cref="LiveProgress"/> and re-renders alone when what it
/// shows changed (<see cref="Show"/> says so), never because another part did, nor because its parent
/// re-rendered with the same numbers.
/// </summary>
public abstract class LiveProgressView : ComponentBase, IDisposable
{
    private LiveProgress? followed;
    private bool changed = true;

    [Parameter, EditorRequired] public LiveProgress Source { get; set; } = default!;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(followed, Source))
        {
            if (followed is not null) followed.Changed -= OnChanged;
            followed = Source;
            followed.Changed += OnChanged;
        }
        if (Show(Source.Current)) changed = true;
    }

    /// <summary>Takes a snapshot; true when what this part shows changed (then it re-renders).</summary>
    protected abstract bool Show(CampaignProgressEvent progress);

    private void OnChanged()
    {
        if (Show(Source.Current)) Redraw();
    }

    /// <summary>Renders this part again (on the renderer's dispatcher), e.g. once data it read arrived.</summary>
    protected void Redraw()
    {
        changed = true;
        StateHasChanged();
    }

    protected override bool ShouldRender()
    {
        if (!changed) return false;
        changed = false;
        return true;
    }

    public virtual void Dispose()
    {
        if (followed is not null) followed.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}
