using System.Text;

namespace Triton.Core.Templates;

/// <summary>
/// The output of a render: a string builder that refuses to grow past the render's character limit
/// and checks the render's budget every 16 K characters written. Kept between renders (one at a time)
/// by its <see cref="CompiledTemplate"/>, as Handlebars.Net keeps its own writers.
/// </summary>
public sealed class BudgetedWriter(IFormatProvider formatProvider) : TextWriter(formatProvider)
{
    /// <summary>Characters written between two checks of the time and memory budget.</summary>
    private const int CheckEvery = 16 * 1024;

    private readonly StringBuilder _text = new(4096);
    private RenderBudget? _budget;
    private int _maxCharacters;
    private int _untilCheck;

    public override Encoding Encoding => Encoding.Unicode;

    /// <summary>Characters the builder holds room for: a writer grown by a very long render is not kept.</summary>
    public int Capacity => _text.Capacity;

    /// <summary>Starts the output of a render charged to <paramref name="budget"/>.</summary>
    public void Start(RenderBudget budget)
    {
        _budget = budget;
        _maxCharacters = budget.MaxCharacters;
        _untilCheck = CheckEvery;
        _text.Clear();
    }

    /// <summary>The output so far; the builder is emptied for the next render.</summary>
    public string Finish()
    {
        var output = _text.ToString();
        _text.Clear();
        _budget = null;
        return output;
    }

    public override void Write(char value)
    {
        Reserve(1);
        _text.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        Reserve(value.Length);
        _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Reserve(count);
        _text.Append(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Reserve(buffer.Length);
        _text.Append(buffer);
    }

    public override void Write(StringBuilder? value)
    {
        if (value is null) return;
        Reserve(value.Length);
        _text.Append(value);
    }

    public override string ToString() => _text.ToString();

    private void Reserve(int count)
    {
        if (_text.Length > _maxCharacters - count)
            throw new TemplateRenderException(
                $"The rendered text would be longer than {_maxCharacters:N0} characters and rendering was stopped.");
        if ((_untilCheck -= count) > 0) return;
        _untilCheck = CheckEvery;
        _budget!.Check();
    }
}
