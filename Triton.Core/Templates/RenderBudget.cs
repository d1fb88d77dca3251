namespace Triton.Core.Templates;

/// <summary>
/// What one render may still spend: time and memory (output characters are counted by
/// <see cref="BudgetedWriter"/>). Handlebars.Net cannot be interrupted from outside, so the budget is
/// checked where rendering passes through Triton's code: writes to the output, and the start of every
/// block, loop pass and partial (<see cref="RenderCheckpoints"/>, which finds it on the
/// <see cref="RenderContext"/>). One render, one thread.
/// </summary>
/// <remarks>
/// The clock and the allocation counter are first read at the first check, not when the render
/// starts: most renders (every subject) end before it and never pay for the reads. The time before
/// it is bounded by the checks themselves (a few blocks, 16 K characters), so a runaway render still
/// stops within its timeout and a few milliseconds.
/// </remarks>
public sealed class RenderBudget(TemplateOptions options, TimeProvider time)
{
    /// <summary>Memory a render may allocate, per character it may write: a loop over large values stops here.</summary>
    public const int BytesPerCharacter = 32;

    /// <summary>Blocks between two checks: a block costs far less than reading the clock.</summary>
    private const int CheckpointsPerCheck = 16;

    private readonly long _maxAllocated = (long)options.MaxRenderedCharacters * BytesPerCharacter;
    private bool _started;
    private long _deadline;
    private long _allocatedAtStart;
    private int _checkpoints;

    public int MaxCharacters { get; } = options.MaxRenderedCharacters;

    /// <summary>A block, loop pass or partial starts: every few of them, <see cref="Check"/>.</summary>
    public void Checkpoint()
    {
        if (++_checkpoints < CheckpointsPerCheck) return;
        _checkpoints = 0;
        Check();
    }

    /// <summary>Throws <see cref="TemplateRenderException"/> once the render has taken too long or allocated too much.</summary>
    public void Check()
    {
        var now = time.GetTimestamp();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        if (!_started)
        {
            _started = true;
            _deadline = now + (long)(options.RenderTimeout.TotalSeconds * time.TimestampFrequency);
            _allocatedAtStart = allocated;
            return;
        }
        if (now > _deadline)
            throw new TemplateRenderException(
                $"Rendering took longer than {options.RenderTimeout.TotalSeconds:0.###} s and was stopped: a loop or partials repeat too often.");
        if (allocated - _allocatedAtStart > _maxAllocated)
            throw new TemplateRenderException(
                $"Rendering used more than {_maxAllocated / (1024 * 1024):N0} MB of memory and was stopped: a loop or partials repeat too often.");
    }
}
