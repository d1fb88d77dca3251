using System.Text;

namespace Triton.Core.Templates;

/// <summary>
/// The output of one render: a string builder that refuses to grow past the render's character limit
/// and checks the render's budget every few thousand characters written.
/// </summary>
public sealed class BudgetedWriter(RenderBudget budget, StringBuilder text, IFormatProvider formatProvider) : TextWriter(formatProvider)
{
    /// <summary>Characters written between two checks of the time and memory budget.</summary>
    private const int CheckEvery = 16 * 1024;

    private int _sinceCheck;

    public override Encoding Encoding => Encoding.Unicode;

    public override void Write(char value)
    {
        Reserve(1);
        text.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        Reserve(value.Length);
        text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Reserve(count);
        text.Append(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Reserve(buffer.Length);
        text.Append(buffer);
    }

    public override void Write(StringBuilder? value)
    {
        if (value is null) return;
        Reserve(value.Length);
        text.Append(value);
    }

    public override string ToString() => text.ToString();

    private void Reserve(int count)
    {
        if (text.Length + (long)count > budget.MaxCharacters)
            throw new TemplateRenderException(
                $"The rendered text would be longer than {budget.MaxCharacters:N0} characters and rendering was stopped.");
        _sinceCheck += count;
        if (_sinceCheck >= CheckEvery)
        {
            _sinceCheck = 0;
            budget.Check();
        }
    }
}
