using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Triton.Core.Data.Migrations;

/// <summary>
/// A per-transport sliding-window quota (at most window_messages in any window_seconds), written by hand like
/// the initial schema; existing transports get 0, which means no quota.
/// </summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261123160000_TransportWindowQuota")]
public sealed class TransportWindowQuota : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(
            name: "window_messages",
            table: "transports",
            nullable: false,
            defaultValue: 0);

        migrationBuilder.AddColumn<int>(
            name: "window_seconds",
            table: "transports",
            nullable: false,
            defaultValue: 0);

        // The default only fills existing rows; the model has none, so PostgreSQL drops it again (SQLite cannot
        // drop a default without rebuilding the table, and its column defaults are never used by EF inserts).
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql("ALTER TABLE transports ALTER COLUMN window_messages DROP DEFAULT;");
            migrationBuilder.Sql("ALTER TABLE transports ALTER COLUMN window_seconds DROP DEFAULT;");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "window_seconds", table: "transports");
        migrationBuilder.DropColumn(name: "window_messages", table: "transports");
    }
}
