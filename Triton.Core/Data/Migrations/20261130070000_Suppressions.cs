using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Triton.Core.Data.Migrations;

/// <summary>The suppression list, the bounce mailbox's state and the triggers' suppression switch, written by hand.</summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261130070000_Suppressions")]
public sealed class Suppressions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "suppressions",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                email = table.Column<string>(maxLength: 320, nullable: false),
                reason = table.Column<int>(nullable: false),
                source = table.Column<string>(maxLength: 200, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_suppressions", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_suppressions_email", table: "suppressions", column: "email", unique: true);

        migrationBuilder.CreateTable(
            name: "bounce_mailbox_states",
            columns: table => new
            {
                id = table.Column<int>(nullable: false),
                hard_bounces = table.Column<long>(nullable: false),
                last_error = table.Column<string>(maxLength: 1000, nullable: true),
                last_poll_at = table.Column<DateTimeOffset?>(nullable: true),
                processed = table.Column<long>(nullable: false),
                soft_bounces = table.Column<long>(nullable: false),
                unmatched = table.Column<long>(nullable: false),
                unsubscribes = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_bounce_mailbox_states", x => x.id));

        migrationBuilder.AddColumn<bool>(name: "honor_suppressions", table: "triggers", nullable: false, defaultValue: false);
        // The default only fills existing rows; the model has none, so PostgreSQL drops it again (as TransportWindowQuota does).
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
            migrationBuilder.Sql("ALTER TABLE triggers ALTER COLUMN honor_suppressions DROP DEFAULT;");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "honor_suppressions", table: "triggers");
        migrationBuilder.DropTable(name: "bounce_mailbox_states");
        migrationBuilder.DropTable(name: "suppressions");
    }
}
