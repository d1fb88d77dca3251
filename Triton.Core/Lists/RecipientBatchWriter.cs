using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Triton.Core.Data;
using Triton.Core.Domain;
using static Triton.Core.Data.StoreExecutor;
using static Triton.Core.Sending.SqlDialect;

namespace Triton.Core.Lists;

/// <summary>
/// Inserts recipients a batch at a time, one transaction per batch, by raw SQL through
/// <see cref="StoreExecutor"/>: one prepared single-row INSERT whose parameters are reused row after
/// row (SQLite, in process, where a call costs microseconds), or the same statement repeated in one
/// round trip (PostgreSQL, via DbBatch, where a round trip per row would cost far more).
/// The unique index (list_id, email_key) decides duplicates: ON CONFLICT DO NOTHING affects no row,
/// so an address already in the list, or twice in the batch, comes back as a duplicate.
/// </summary>
public sealed class RecipientBatchWriter(StoreExecutor store)
{
    private const string SqliteDateTimeOffset = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz";

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
            connection is SqliteConnection
                ? InsertPreparedAsync(connection, transaction, listId, batch, ct)
                : InsertBatchedAsync(connection, transaction, listId, batch, ct), cancellationToken);
    }

    private static async Task<IReadOnlyList<int>> InsertPreparedAsync(DbConnection connection, DbTransaction transaction,
        int listId, IReadOnlyList<(int Position, Recipient Recipient)> batch, CancellationToken cancellationToken)
    {
        var duplicates = new List<int>();
        await using var command = Command(connection, transaction, InsertSql);
        AddParameter(command, "@list", listId);
        var email = AddParameter(command, "@email", "");
        var key = AddParameter(command, "@key", "");
        var user = AddParameter(command, "@user", null);
        var fields = AddParameter(command, "@fields", "");
        var created = AddParameter(command, "@created", "");
        await command.PrepareAsync(cancellationToken);
        DateTimeOffset? lastCreated = null;
        foreach (var (position, recipient) in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            email.Value = recipient.Email;
            key.Value = recipient.EmailKey;
            user.Value = (object?)recipient.UserId ?? DBNull.Value;
            fields.Value = recipient.Fields;
            if (recipient.CreatedAt != lastCreated)
            {
                // The text SQLite stores a DateTimeOffset as (EF's format and Microsoft.Data.Sqlite's own),
                // formatted once per distinct value rather than once per row: a batch shares one time.
                lastCreated = recipient.CreatedAt;
                created.Value = recipient.CreatedAt.ToString(SqliteDateTimeOffset, CultureInfo.InvariantCulture);
            }
            // Microsoft.Data.Sqlite's async execute runs synchronously anyway and only adds a reader per
            // call; the synchronous one is a quarter cheaper per row on the import's hot path.
            if (command.ExecuteNonQuery() == 0) duplicates.Add(position);
        }
        return duplicates;
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
