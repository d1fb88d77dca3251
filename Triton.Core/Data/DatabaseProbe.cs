using Microsoft.EntityFrameworkCore;

namespace Triton.Core.Data;

/// <summary>
/// The liveness check's question, "is the database reachable": one trivial read of the migrations
/// table over a pooled connection. (EF's CanConnect opened a fresh connection and, on SQLite, parsed
/// the whole schema on every call.)
/// </summary>
public sealed class DatabaseProbe(IDbContextFactory<TritonDbContext> contexts)
{
    public async Task<bool> ReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.Database.OpenConnectionAsync(cancellationToken);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = """SELECT 1 FROM "__EFMigrationsHistory" LIMIT 1""";
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
