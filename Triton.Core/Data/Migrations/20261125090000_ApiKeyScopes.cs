using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Triton.Core.Data.Migrations;

/// <summary>
/// API keys get a scope, an optional expiry and a revocation time, written by hand. Keys that exist
/// already become Admin (2), which is what they could do before.
/// </summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261125090000_ApiKeyScopes")]
public sealed class ApiKeyScopes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(name: "scope", table: "api_keys", nullable: false, defaultValue: 2);
        // The default only fills the existing rows: Triton always writes the scope, as the model says.
        // (SQLite cannot drop a column default in place; there it stays, unused.)
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
            migrationBuilder.Sql("ALTER TABLE api_keys ALTER COLUMN scope DROP DEFAULT;");
        migrationBuilder.AddColumn<DateTimeOffset>(name: "expires_at", table: "api_keys", nullable: true);
        migrationBuilder.AddColumn<DateTimeOffset>(name: "revoked_at", table: "api_keys", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "scope", table: "api_keys");
        migrationBuilder.DropColumn(name: "expires_at", table: "api_keys");
        migrationBuilder.DropColumn(name: "revoked_at", table: "api_keys");
    }
}
