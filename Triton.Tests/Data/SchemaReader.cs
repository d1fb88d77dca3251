using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Triton.Core.Data;

namespace Triton.Tests.Data;

/// <summary>
/// Reads a database's schema (tables, columns with type and nullability, indexes with uniqueness
/// and columns, foreign keys) as sorted lines, so two databases compare as plain text.
/// </summary>
internal static class SchemaReader
{
    // EF's own bookkeeping tables (history, lock) exist only in migrated databases.
    private const string History = "__EFMigrations%";

    // Quartz's clustered job store (qrtz_ tables, PostgreSQL only) is created by a migration but is not
    // part of the EF model: Quartz reads and writes it with its own SQL, so EnsureCreated never makes it.
    private const string NotModel = "AND {0} NOT LIKE 'qrtz\\_%'";

    public static async Task<IReadOnlyList<string>> ReadAsync(DbContext db, DatabaseProvider provider)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        try
        {
            var lines = provider == DatabaseProvider.Sqlite
                ? await ReadSqliteAsync(connection)
                : await ReadPostgresAsync(connection);
            lines.Sort(StringComparer.Ordinal);
            return lines;
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    private static async Task<List<string>> ReadSqliteAsync(DbConnection connection)
    {
        var lines = new List<string>();
        var tables = (await QueryAsync(connection,
                $"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EFMigrations%'"))
            .Select(r => (string)r[0]!).ToList();
        foreach (var table in tables)
        {
            lines.Add($"table {table}");
            foreach (var c in await QueryAsync(connection, $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"))
                lines.Add($"column {table}.{c[0]} {c[1]} {(Convert.ToInt64(c[2]) == 1 ? "not null" : "null")} pk={c[3]}");
            foreach (var i in await QueryAsync(connection, $"SELECT name, \"unique\", origin FROM pragma_index_list('{table}')"))
            {
                var columns = (await QueryAsync(connection, $"SELECT name FROM pragma_index_info('{i[0]}') ORDER BY seqno"))
                    .Select(r => r[0]);
                lines.Add($"index {table}.{i[0]} ({string.Join(", ", columns)}) {(Convert.ToInt64(i[1]) == 1 ? "unique" : "non-unique")} {i[2]}");
            }
            foreach (var f in await QueryAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')"))
                lines.Add($"foreign key {table}.{f[1]} -> {f[0]}.{f[2]} on delete {f[3]}");
        }
        return lines;
    }

    private static async Task<List<string>> ReadPostgresAsync(DbConnection connection)
    {
        var lines = new List<string>();
        foreach (var t in await QueryAsync(connection,
                     $"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '{History}' {string.Format(NotModel, "table_name")}"))
            lines.Add($"table {t[0]}");
        foreach (var c in await QueryAsync(connection, $"""
                     SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, is_identity, column_default
                     FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '{History}' {string.Format(NotModel, "table_name")}
                     """))
            lines.Add($"column {c[0]}.{c[1]} {c[2]}({c[3]}) {(Equals(c[4], "NO") ? "not null" : "null")} identity={c[5]} default={c[6]}");
        foreach (var i in await QueryAsync(connection, $"""
                     SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary, pg_get_indexdef(ix.indexrelid)
                     FROM pg_index ix
                     JOIN pg_class i ON i.oid = ix.indexrelid
                     JOIN pg_class t ON t.oid = ix.indrelid
                     JOIN pg_namespace n ON n.oid = t.relnamespace
                     WHERE n.nspname = 'public' AND t.relname NOT LIKE '{History}' {string.Format(NotModel, "t.relname")}
                     """))
            lines.Add($"index {i[0]}.{i[1]} {((bool)i[2]! ? "unique" : "non-unique")} primary={i[3]} {i[4]}");
        foreach (var f in await QueryAsync(connection, $"""
                     SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                     WHERE n.nspname = 'public' AND c.contype IN ('f', 'c', 'u') {string.Format(NotModel, "c.conrelid::regclass::text")}
                     """))
            lines.Add($"constraint {f[0]}.{f[1]} {f[2]}");
        return lines;
    }

    private static async Task<List<object?[]>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }
}
