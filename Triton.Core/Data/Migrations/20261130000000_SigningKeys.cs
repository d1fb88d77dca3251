using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Triton.Core.Data.Migrations;

/// <summary>The keys that sign tracking, unsubscribe and bounce tokens, written by hand.</summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261130000000_SigningKeys")]
public sealed class SigningKeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "signing_keys",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                protected_key = table.Column<string>(nullable: false),
                purpose = table.Column<string>(maxLength: 50, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_signing_keys", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_signing_keys_purpose", table: "signing_keys", column: "purpose", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "signing_keys");
}
