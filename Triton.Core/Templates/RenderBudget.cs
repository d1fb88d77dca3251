namespace Triton.Core.Templates;

/// <summary>
/// What one render may still spend: time and memory (output characters are counted by
/// <see cref="BudgetedWriter"/>). Handlebars.Net cannot be interrupted from outside, so the budget is
/// checked where rendering passes through Triton's code: writes to the output, and the start of every
/// block, loop pass and partial (<see cref="RenderCheckpoints"/>). One render, one thread.
/// </summary>
public sealed class RenderBudget
{
    /// <summary>Memory a render may allocate, per character it may write: a loop over large values stops here.</summary>
    public const int BytesPerCharacter = 32;

    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly long _deadline;
    private readonly long _allocatedAtStart;
    private readonly long _maxAllocated;

    public RenderBudget(TemplateOptions options, TimeProvider time)
    {
        _time = time;
        _timeout = options.RenderTimeout;
        _deadline = time.GetTimestamp() + (long)(_timeout.TotalSeconds * time.TimestampFrequency);
        _allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        _maxAllocated = (long)options.MaxRenderedCharacters * BytesPerCharacter;
        MaxCharacters = options.MaxRenderedCharacters;
    }

    public int MaxCharacters { get; }

    /// <summary>Checkpoints passed since the clock was last read.</summary>
    private int _checkpoints;

    /// <summary>A block, loop pass or partial starts: every few of them, <see cref="Check"/>.</summary>
    public void Checkpoint()
    {
        if (++_checkpoints < CheckpointsPerCheck) return;
        _checkpoints = 0;
        Check();
    }

    /// <summary>Blocks between two reads of the clock and the allocation counter: each costs far less than the reads.</summary>
    private const int CheckpointsPerCheck = 16;

    /// <summary>Throws <see cref="TemplateRenderException"/> once the render has taken too long or allocated too much.</summary>
    public void Check()
    {
        if (_time.GetTimestamp() > _deadline)
            throw new TemplateRenderException(
                $"Rendering took longer than {_timeout.TotalSeconds:0.###} s and was stopped: a loop or partials repeat too often.");
        if (GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart > _maxAllocated)
            throw new TemplateRenderException(
                $"Rendering used more than {_maxAllocated / (1024 * 1024):N0} MB of memory and was stopped: a loop or partials repeat too often.");
    }

    /// <summary>Shown if a template writes {{@TritonRender}}: nothing.</summary>
    public override string ToString() => "";
}

/// <summary>
/// The data object of a render (Handlebars' @-variables): it carries the budget into every frame, where
/// <see cref="RenderCheckpoints"/> finds it. Its one property is named so no template wants it.
/// </summary>
public sealed class RenderData(RenderBudget budget)
{
    public const string Name = nameof(TritonRender);

    public RenderBudget TritonRender { get; } = budget;
}
