using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Triton.Core.Data.Migrations;

/// <summary>Daily totals of recorded deliveries by outcome (the dashboard's "today"), written by hand.</summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261124010000_SendingDays")]
public sealed class SendingDays : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "sending_days",
            columns: table => new
            {
                day = table.Column<int>(nullable: false),
                sent = table.Column<long>(nullable: false),
                skipped = table.Column<long>(nullable: false),
                failed = table.Column<long>(nullable: false),
                bounced = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_sending_days", d => d.day));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "sending_days");
    }
}
