using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Triton.Core.Data.Migrations;

/// <summary>
/// Open and click tracking, written by hand: the switch on campaigns and triggers (on for the rows
/// that exist), the counts per day, category and user, per campaign or trigger and day, per link, and
/// the first open and click of each message.
/// </summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261130060000_Tracking")]
public sealed class Tracking : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(name: "tracking_enabled", table: "campaigns", nullable: false, defaultValue: true);
        migrationBuilder.AddColumn<bool>(name: "tracking_enabled", table: "triggers", nullable: false, defaultValue: true);
        // The default only fills the existing rows: Triton always writes the flag, as the model says.
        // (SQLite cannot drop a column default in place; there it stays, unused.)
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql("ALTER TABLE campaigns ALTER COLUMN tracking_enabled DROP DEFAULT;");
            migrationBuilder.Sql("ALTER TABLE triggers ALTER COLUMN tracking_enabled DROP DEFAULT;");
        }

        migrationBuilder.CreateTable(
            name: "tracking_days",
            columns: table => new
            {
                category_id = table.Column<int>(nullable: false),
                day = table.Column<int>(nullable: false),
                user_id = table.Column<string>(maxLength: 200, nullable: false),
                clicks = table.Column<long>(nullable: false),
                last_opened_at = table.Column<long?>(nullable: true),
                last_sent_at = table.Column<long?>(nullable: true),
                machine_clicks = table.Column<long>(nullable: false),
                machine_opens = table.Column<long>(nullable: false),
                opens = table.Column<long>(nullable: false),
                sent = table.Column<long>(nullable: false),
                unique_clicks = table.Column<long>(nullable: false),
                unique_opens = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_tracking_days", x => new { x.category_id, x.day, x.user_id }));
        migrationBuilder.CreateIndex(name: "ix_tracking_days_user_id_day", table: "tracking_days", columns: ["user_id", "day"]);

        migrationBuilder.CreateTable(
            name: "tracked_source_days",
            columns: table => new
            {
                source_kind = table.Column<int>(nullable: false),
                source_id = table.Column<int>(nullable: false),
                day = table.Column<int>(nullable: false),
                clicks = table.Column<long>(nullable: false),
                machine_clicks = table.Column<long>(nullable: false),
                machine_opens = table.Column<long>(nullable: false),
                opens = table.Column<long>(nullable: false),
                sent = table.Column<long>(nullable: false),
                unique_clicks = table.Column<long>(nullable: false),
                unique_opens = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_tracked_source_days", x => new { x.source_kind, x.source_id, x.day }));

        migrationBuilder.CreateTable(
            name: "tracked_links",
            columns: table => new
            {
                source_kind = table.Column<int>(nullable: false),
                source_id = table.Column<int>(nullable: false),
                url = table.Column<string>(maxLength: 2000, nullable: false),
                clicks = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_tracked_links", x => new { x.source_kind, x.source_id, x.url }));

        migrationBuilder.CreateTable(
            name: "tracking_firsts",
            columns: table => new
            {
                source_kind = table.Column<int>(nullable: false),
                reference = table.Column<long>(nullable: false),
                kind = table.Column<int>(nullable: false),
                at = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_tracking_firsts", x => new { x.source_kind, x.reference, x.kind }));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "tracking_firsts");
        migrationBuilder.DropTable(name: "tracked_links");
        migrationBuilder.DropTable(name: "tracked_source_days");
        migrationBuilder.DropTable(name: "tracking_days");
        migrationBuilder.DropColumn(name: "tracking_enabled", table: "triggers");
        migrationBuilder.DropColumn(name: "tracking_enabled", table: "campaigns");
    }
}
