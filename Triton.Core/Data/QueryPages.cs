namespace Triton.Core.Data;

/// <summary>How every server-paged list reads one page of an ordered query.</summary>
public static class QueryPages
{
    /// <summary>
    /// The rows of page <paramref name="page"/> (from 0) at <paramref name="pageSize"/> rows a page, the size held to
    /// 1..<paramref name="maxPageSize"/>. A page far past the end is empty, never an overflowed offset.
    /// </summary>
    public static IQueryable<T> TakePage<T>(this IOrderedQueryable<T> ordered, int page, int pageSize, int maxPageSize)
    {
        var size = Math.Clamp(pageSize, 1, maxPageSize);
        return ordered.Skip((int)Math.Min((long)Math.Max(0, page) * size, int.MaxValue)).Take(size);
    }
}
