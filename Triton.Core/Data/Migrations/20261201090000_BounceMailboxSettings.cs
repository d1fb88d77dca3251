using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Triton.Core.Data.Migrations;

/// <summary>The bounce mailbox's settings as an admin saves them (one row, none until then: the Bounces section applies), written by hand.</summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261201090000_BounceMailboxSettings")]
public sealed class BounceMailboxSettings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "bounce_mailbox_settings",
            columns: table => new
            {
                id = table.Column<int>(nullable: false),
                accept_self_signed_certificate = table.Column<bool>(nullable: false),
                enabled = table.Column<bool>(nullable: false),
                folder = table.Column<string>(maxLength: 255, nullable: false),
                host = table.Column<string>(maxLength: 255, nullable: true),
                poll_seconds = table.Column<int>(nullable: false),
                port = table.Column<int>(nullable: false),
                protected_password = table.Column<string>(nullable: true),
                protocol = table.Column<int>(nullable: false),
                security = table.Column<int>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
                username = table.Column<string>(maxLength: 255, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_bounce_mailbox_settings", x => x.id));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "bounce_mailbox_settings");
    }
}
