using Microsoft.EntityFrameworkCore;
using Triton.Core.Campaigns;
using Triton.Core.Data;

namespace Triton.Tests.Api;

/// <summary>The breakdown must group in SQL on PostgreSQL too (SQLite runs in the API tests).</summary>
public sealed class FailureBreakdownTranslationTests
{
    [Fact]
    public void Domain_and_code_grouping_translate_to_postgresql_sql()
    {
        var options = new DbContextOptionsBuilder<TritonDbContext>();
        DatabaseServiceCollectionExtensions.Configure(options, new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=localhost;Database=none" });
        using var db = new TritonDbContext(options.Options);
        var failed = FailureBreakdown.Failed(db, 1, 1);

        var byDomain = FailureBreakdown.CountByDomain(failed).ToQueryString();
        Assert.Contains("GROUP BY", byDomain);
        Assert.Contains("strpos", byDomain);
        Assert.Contains("LIMIT", byDomain);
        var byCode = FailureBreakdown.CountByCode(failed).ToQueryString();
        Assert.Contains("GROUP BY d.reply_code", byCode);
    }
}
