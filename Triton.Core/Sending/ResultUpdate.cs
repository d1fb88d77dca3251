using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static Triton.Core.Data.SqliteBinding;
using static Triton.Core.Data.StoreExecutor;
using static Triton.Core.Sending.SqlDialect;

namespace Triton.Core.Sending;

/// <summary>
/// The per-delivery UPDATE of a result batch, prepared once per batch: it writes the result and gives the lease up, and
/// changes nothing when this process no longer holds the lease.
/// </summary>
internal abstract class ResultUpdate : IAsyncDisposable
{
    private const string Sql = """
        UPDATE deliveries SET status = @status, attempts = @attempts, last_reply = @reply, reply_code = @code,
            updated_at = @now, not_before = @notBefore, subject_index = COALESCE(@subject, subject_index),
            lease_owner = NULL, lease_until = 0
        WHERE id = @id AND lease_owner = @owner AND status = 0
        """;

    public static async Task<ResultUpdate> PrepareAsync(DbConnection connection, DbTransaction transaction, string owner, long now,
        CancellationToken cancellationToken) =>
        connection is SqliteConnection sqlite
            ? new SqliteResultUpdate(sqlite, owner, now)
            : await CommandResultUpdate.PrepareCommandAsync(connection, transaction, owner, now, cancellationToken);

    /// <summary>Writes one result; false when the row did not change (the lease was lost).</summary>
    public abstract ValueTask<bool> ApplyAsync(DeliveryResult result, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    private static string? Truncate(string? reply) => reply is { Length: > 1000 } ? reply[..1000] : reply;

    /// <summary>Any provider: a prepared command, its parameters set for each row.</summary>
    private sealed class CommandResultUpdate : ResultUpdate
    {
        private readonly DbCommand _command;
        private readonly DbParameter _status, _attempts, _reply, _code, _notBefore, _subject, _id;

        private CommandResultUpdate(DbConnection connection, DbTransaction transaction, string owner, long now)
        {
            _command = Command(connection, transaction, Sql);
            _status = AddParameter(_command, "@status", 0);
            _attempts = AddParameter(_command, "@attempts", 0);
            _reply = AddParameter(_command, "@reply", null);
            _code = AddParameter(_command, "@code", null);
            AddParameter(_command, "@now", now);
            _notBefore = AddParameter(_command, "@notBefore", 0L);
            _subject = AddParameter(_command, "@subject", null);
            _id = AddParameter(_command, "@id", 0L);
            AddParameter(_command, "@owner", owner);
            // Typed values on the first use let the provider prepare the statement once.
            _subject.DbType = DbType.Int32;
            _code.DbType = DbType.Int32;
            _reply.DbType = DbType.String;
        }

        public static async Task<ResultUpdate> PrepareCommandAsync(DbConnection connection, DbTransaction transaction, string owner, long now,
            CancellationToken cancellationToken)
        {
            var update = new CommandResultUpdate(connection, transaction, owner, now);
            await update._command.PrepareAsync(cancellationToken);
            return update;
        }

        public override async ValueTask<bool> ApplyAsync(DeliveryResult result, CancellationToken cancellationToken)
        {
            _status.Value = (int)result.Status;
            _attempts.Value = result.Attempts;
            _reply.Value = Truncate(result.Reply) ?? (object)DBNull.Value;
            _code.Value = result.ReplyCode ?? (object)DBNull.Value;
            _notBefore.Value = result.NotBefore;
            _subject.Value = result.SubjectIndex ?? (object)DBNull.Value;
            _id.Value = result.DeliveryId;
            return await _command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        public override ValueTask DisposeAsync() => _command.DisposeAsync();
    }

    /// <summary>
    /// SQLite: the statement on SQLite's own API, on the store's connection and so in its transaction. The owner and the
    /// time are bound once per batch (SQLite keeps bindings across executions) and the others by position, found once:
    /// through the command, each row looked every parameter up by name and ran a data reader, a third of a row's cost.
    /// </summary>
    private sealed class SqliteResultUpdate : ResultUpdate
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;
        private readonly int _status, _attempts, _reply, _code, _notBefore, _subject, _id;
        private byte[] _text = new byte[256];

        public SqliteResultUpdate(SqliteConnection connection, string owner, long now)
        {
            _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
            Check(_db, raw.sqlite3_prepare_v2(_db, Sql, out _statement));
            try
            {
                _status = Position("@status");
                _attempts = Position("@attempts");
                _reply = Position("@reply");
                _code = Position("@code");
                _notBefore = Position("@notBefore");
                _subject = Position("@subject");
                _id = Position("@id");
                Check(_db, raw.sqlite3_bind_int64(_statement, Position("@now"), now));
                BindText(_db, _statement, Position("@owner"), owner, ref _text);
            }
            catch
            {
                _statement.Dispose();
                throw;
            }
        }

        private int Position(string name) => raw.sqlite3_bind_parameter_index(_statement, name) is > 0 and var index
            ? index
            : throw new InvalidOperationException($"The result update has no parameter {name}.");

        public override ValueTask<bool> ApplyAsync(DeliveryResult result, CancellationToken cancellationToken)
        {
            Check(_db, raw.sqlite3_bind_int(_statement, _status, (int)result.Status));
            Check(_db, raw.sqlite3_bind_int(_statement, _attempts, result.Attempts));
            if (Truncate(result.Reply) is { } reply) BindText(_db, _statement, _reply, reply, ref _text);
            else Check(_db, raw.sqlite3_bind_null(_statement, _reply));
            Check(_db, result.ReplyCode is { } code ? raw.sqlite3_bind_int(_statement, _code, code) : raw.sqlite3_bind_null(_statement, _code));
            Check(_db, raw.sqlite3_bind_int64(_statement, _notBefore, result.NotBefore));
            Check(_db, result.SubjectIndex is { } subject ? raw.sqlite3_bind_int(_statement, _subject, subject) : raw.sqlite3_bind_null(_statement, _subject));
            Check(_db, raw.sqlite3_bind_int64(_statement, _id, result.DeliveryId));
            return ValueTask.FromResult(Execute(_db, _statement) == 1);
        }

        public override ValueTask DisposeAsync()
        {
            _statement.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
