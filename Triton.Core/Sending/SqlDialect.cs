using System.Data.Common;
using Triton.Core.Data;

namespace Triton.Core.Sending;

/// <summary>The few statements whose SQL differs between SQLite and PostgreSQL.</summary>
public sealed class SqlDialect(DatabaseProvider provider)
{
    public DatabaseProvider Provider { get; } = provider;

    /// <summary>
    /// Leases up to @n due jobs of one campaign generation. PostgreSQL skips rows another instance is
    /// claiming right now; SQLite has a single writer, so the subquery cannot race.
    /// </summary>
    public string ClaimSql => $"""
        UPDATE deliveries SET lease_owner = @owner, lease_until = @until
        WHERE id IN (
            SELECT id FROM deliveries
            WHERE campaign_id = @campaign AND generation = @generation AND status = 0
              AND lease_until < @now AND not_before <= @now
            ORDER BY id LIMIT @n{(Provider == DatabaseProvider.Postgres ? " FOR UPDATE SKIP LOCKED" : "")})
        RETURNING id, recipient_id, email, attempts
        """;

    /// <summary>A condition "column is one of these ids" with one parameter per id (SQLite) or an array (PostgreSQL).</summary>
    public string IdListCondition(DbCommand command, string column, IReadOnlyList<long> ids)
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            AddParameter(command, "@ids", ids.ToArray());
            return $"{column} = ANY(@ids)";
        }
        var names = new string[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            names[i] = "@i" + i;
            AddParameter(command, names[i], ids[i]);
        }
        return $"{column} IN ({string.Join(',', names)})";
    }

    /// <summary>A condition "column is one of these strings", as <see cref="IdListCondition"/>.</summary>
    public string TextListCondition(DbCommand command, string column, IReadOnlyList<string> values)
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            AddParameter(command, "@texts", values.ToArray());
            return $"{column} = ANY(@texts)";
        }
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = "@t" + i;
            AddParameter(command, names[i], values[i]);
        }
        return $"{column} IN ({string.Join(',', names)})";
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
