using System.Data.Common;
using Microsoft.Data.Sqlite;
using Triton.Core.Data;
using Triton.Core.Domain;

namespace Triton.Core.Lists;

/// <summary>
/// Inserts recipients a batch at a time, one transaction per batch, by raw SQL through
/// <see cref="StoreExecutor"/>: multi-row INSERTs through SQLite's own API (SQLite, in process, where
/// every microsecond per row counts; see <see cref="SqliteRecipientInsert"/>), or one single-row
/// statement per row sent in one round trip (PostgreSQL, via DbBatch, where each statement's own
/// count says whether its row landed).
/// The unique index (list_id, email_key) decides duplicates: ON CONFLICT DO NOTHING skips the row,
/// so an address already in the list, or twice in the batch, comes back as a duplicate.
/// </summary>
public sealed class RecipientBatchWriter(StoreExecutor store)
{
    private const string InsertSql = """
        INSERT INTO recipients (list_id, email, email_key, user_id, fields, created_at)
        VALUES (@list, @email, @key, @user, @fields, @created)
        ON CONFLICT (list_id, email_key) DO NOTHING
        """;

    /// <returns>The positions (as given) of the rows skipped as duplicates.</returns>
    public async Task<IReadOnlyList<int>> WriteAsync(int listId, IReadOnlyList<(int Position, Recipient Recipient)> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return [];
        // The work runs again from scratch if the executor retries a busy database, so it keeps no state between tries.
        return await store.InTransactionAsync<IReadOnlyList<int>>((connection, transaction, ct) =>
            connection is SqliteConnection sqlite
                ? Task.FromResult(SqliteRecipientInsert.Insert(sqlite, listId, batch, ct))
                : InsertBatchedAsync(connection, transaction, listId, batch, ct), cancellationToken);
    }

    private static async Task<IReadOnlyList<int>> InsertBatchedAsync(DbConnection connection, DbTransaction transaction,
        int listId, IReadOnlyList<(int Position, Recipient Recipient)> batch, CancellationToken cancellationToken)
    {
        await using var statements = connection.CreateBatch();
        statements.Transaction = transaction;
        foreach (var (_, recipient) in batch)
        {
            var statement = statements.CreateBatchCommand();
            statement.CommandText = InsertSql;
            Add(statement, "@list", listId);
            Add(statement, "@email", recipient.Email);
            Add(statement, "@key", recipient.EmailKey);
            Add(statement, "@user", recipient.UserId);
            Add(statement, "@fields", recipient.Fields);
            Add(statement, "@created", recipient.CreatedAt);
            statements.BatchCommands.Add(statement);
        }
        await statements.ExecuteNonQueryAsync(cancellationToken);
        // Each statement's own count says whether its row landed.
        var duplicates = new List<int>();
        for (var i = 0; i < batch.Count; i++)
            if (statements.BatchCommands[i].RecordsAffected == 0) duplicates.Add(batch[i].Position);
        return duplicates;
    }

    private static void Add(DbBatchCommand statement, string name, object? value)
    {
        var parameter = statement.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        statement.Parameters.Add(parameter);
    }
}
