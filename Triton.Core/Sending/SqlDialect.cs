using System.Data.Common;
using System.Text.Json;
using Triton.Core.Data;

namespace Triton.Core.Sending;

/// <summary>The few statements whose SQL differs between SQLite and PostgreSQL.</summary>
public sealed class SqlDialect(DatabaseProvider provider)
{
    public DatabaseProvider Provider { get; } = provider;

    /// <summary>
    /// Leases up to @n due jobs of one campaign generation and answers them with their recipients' data (NULL for a
    /// recipient deleted since). PostgreSQL skips rows another instance is claiming right now; SQLite has a single
    /// writer, so the subquery cannot race. The recipient's columns come from subqueries in RETURNING, one key look-up
    /// each: a second query for them, by a list of the claimed ids, cost a third of a claim.
    /// </summary>
    public string ClaimSql => $"""
        UPDATE deliveries SET lease_owner = @owner, lease_until = @until
        WHERE id IN (
            SELECT id FROM deliveries
            WHERE campaign_id = @campaign AND generation = @generation AND status = 0
              AND lease_until < @now AND not_before <= @now
            ORDER BY id LIMIT @n{(Provider == DatabaseProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "")})
        RETURNING id, recipient_id, email, attempts,
            (SELECT user_id FROM recipients WHERE recipients.id = deliveries.recipient_id),
            (SELECT fields FROM recipients WHERE recipients.id = deliveries.recipient_id)
        """;

    /// <summary>
    /// A condition "column is one of these ids", with one parameter: an array on PostgreSQL, a JSON array that SQLite's
    /// json_each reads on SQLite. Not one parameter per id: SQLite finds a parameter by its name in a list, so binding
    /// n named parameters costs n² string comparisons (a claimed batch of 500 spent more there than in its queries).
    /// </summary>
    public string IdListCondition(DbCommand command, string column, IReadOnlyList<long> ids)
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            AddParameter(command, "@ids", ids.ToArray());
            return $"{column} = ANY(@ids)";
        }
        AddParameter(command, "@ids", JsonSerializer.Serialize(ids));
        return $"{column} IN (SELECT value FROM json_each(@ids))";
    }

    /// <summary>A condition "column is one of these strings", as <see cref="IdListCondition"/>.</summary>
    public string TextListCondition(DbCommand command, string column, IReadOnlyList<string> values)
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            AddParameter(command, "@texts", values.ToArray());
            return $"{column} = ANY(@texts)";
        }
        AddParameter(command, "@texts", JsonSerializer.Serialize(values));
        return $"{column} IN (SELECT value FROM json_each(@texts))";
    }

    public static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
