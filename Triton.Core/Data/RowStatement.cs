using System.Data;
using System.Data.Common;

namespace Triton.Core.Data;

/// <summary>
/// One single-row statement run for many rows in the caller's transaction. On SQLite, one prepared
/// command whose values change per row: a multi-row VALUES list costs far more there, since SQLite
/// parses it whole each time and binds each of its parameters by a name looked up in a list (the cost
/// grows with the square of the rows). On PostgreSQL, the rows go as batches of commands, one round
/// trip per batch. Both providers take the same SQL.
/// </summary>
public sealed class RowStatement
{
    private const int CommandsPerBatch = 500;

    private readonly string _sql;
    private readonly (string Name, DbType Type)[] _parameters;

    public RowStatement(string sql, params (string Name, DbType Type)[] parameters)
    {
        _sql = sql;
        _parameters = parameters;
    }

    /// <summary>
    /// Runs the statement once per row; <paramref name="fill"/> puts a row's values in parameter order
    /// (null for NULL). Answers how many rows each run changed, in the order of <paramref name="rows"/>.
    /// </summary>
    public Task<int[]> RunAsync<TRow>(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<TRow> rows,
        Action<TRow, object?[]> fill, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.FromResult(Array.Empty<int>())
        : connection.CanCreateBatch ? InBatchesAsync(connection, transaction, rows, fill, cancellationToken)
        : PreparedAsync(connection, transaction, rows, fill, cancellationToken);

    private async Task<int[]> PreparedAsync<TRow>(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<TRow> rows,
        Action<TRow, object?[]> fill, CancellationToken cancellationToken)
    {
        var changed = new int[rows.Count];
        var values = new object?[_parameters.Length];
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _sql;
        var parameters = new DbParameter[_parameters.Length];
        for (var p = 0; p < parameters.Length; p++)
        {
            parameters[p] = command.CreateParameter();
            parameters[p].ParameterName = _parameters[p].Name;
            parameters[p].DbType = _parameters[p].Type;
            parameters[p].Value = DBNull.Value;
            command.Parameters.Add(parameters[p]);
        }
        await command.PrepareAsync(cancellationToken);
        var row = 0;
        foreach (var item in rows)
        {
            fill(item, values);
            for (var p = 0; p < parameters.Length; p++) parameters[p].Value = values[p] ?? DBNull.Value;
            changed[row++] = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return changed;
    }

    private async Task<int[]> InBatchesAsync<TRow>(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<TRow> rows,
        Action<TRow, object?[]> fill, CancellationToken cancellationToken)
    {
        var changed = new int[rows.Count];
        var values = new object?[_parameters.Length];
        var row = 0;
        foreach (var chunk in rows.Chunk(CommandsPerBatch))
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var item in chunk)
            {
                fill(item, values);
                var command = batch.CreateBatchCommand();
                command.CommandText = _sql;
                for (var p = 0; p < _parameters.Length; p++)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = _parameters[p].Name;
                    parameter.DbType = _parameters[p].Type;
                    parameter.Value = values[p] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            foreach (var command in batch.BatchCommands) changed[row++] = command.RecordsAffected;
        }
        return changed;
    }
}
