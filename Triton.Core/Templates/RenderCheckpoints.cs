using System.Linq.Expressions;
using System.Reflection;
using HandlebarsDotNet;
using HandlebarsDotNet.PathStructure;

namespace Triton.Core.Templates;

/// <summary>
/// Makes every compiled piece of a template (the template, each partial, each block body, so each pass
/// of a loop) start by checking the render's budget. Loops and partials that write nothing would
/// otherwise run unchecked: a few nested {{#each}} over a long list never touch the output.
/// </summary>
public sealed class RenderCheckpoints : IExpressionMiddleware
{
    private static readonly MethodInfo CheckMethod = typeof(RenderCheckpoints).GetMethod(nameof(Check), BindingFlags.Public | BindingFlags.Static)!;

    public Expression<T> Invoke<T>(Expression<T> expression) where T : Delegate
    {
        var context = expression.Parameters.FirstOrDefault(p => p.Type == typeof(BindingContext));
        if (context is null) return expression;
        return Expression.Lambda<T>(Expression.Block(Expression.Call(CheckMethod, context), expression.Body),
            expression.Name, expression.TailCall, expression.Parameters);
    }

    /// <summary>Called by compiled templates: charges the budget of the render this context belongs to.</summary>
    public static void Check(BindingContext context)
    {
        // @root is a well-known data variable: an indexed read, not a lookup by name.
        if (context.Data[ChainSegment.Root] is RenderContext { Budget: { } budget }) budget.Checkpoint();
    }
}
