using Npgsql;
using Triton.Core.Data;

namespace Triton.Tests.Infrastructure;

/// <summary>
/// A uniquely named database on the server named by TRITON_TEST_POSTGRES (scripts/test.sh starts
/// one), dropped on dispose. Tests using it are marked [PostgresFact]/[PostgresTheory].
/// </summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    public const string EnvironmentVariable = "TRITON_TEST_POSTGRES";

    private readonly string _adminConnectionString;
    private readonly string _name;

    private PostgresTestDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        _name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
    public override string ConnectionString { get; }

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? UnavailableReason =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnvironmentVariable))
            ? $"{EnvironmentVariable} is not set (scripts/test.sh starts a PostgreSQL server and sets it)."
            : null;

    public static bool RequiredByCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(admin))
            throw new InvalidOperationException(UnavailableReason);
        var name = "triton_test_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new PostgresTestDatabase(admin, name);
    }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
