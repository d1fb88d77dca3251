namespace Triton.Core.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>The "Database" section: which provider; the connection string is ConnectionStrings:Triton.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Resolved at start-up: ConnectionStrings:Triton, or a SQLite file in the data directory.</summary>
    public string ConnectionString { get; set; } = "";
}
