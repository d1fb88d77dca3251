using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Triton.Core.Data.Migrations;

/// <summary>The outbox: one row per archived message, written by hand.</summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261130030000_Outbox")]
public sealed class Outbox : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "outbox",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                campaign_id = table.Column<int?>(nullable: true),
                delivery_id = table.Column<long?>(nullable: true),
                message_id = table.Column<string>(maxLength: 250, nullable: false),
                path = table.Column<string>(maxLength: 400, nullable: false),
                recipient = table.Column<string>(maxLength: 320, nullable: false),
                sent_at = table.Column<long>(nullable: false),
                subject = table.Column<string>(maxLength: 1000, nullable: false),
                transactional_message_id = table.Column<long?>(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_outbox", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_outbox_sent_at", table: "outbox", column: "sent_at");
        migrationBuilder.CreateIndex(name: "ix_outbox_recipient_id", table: "outbox", columns: ["recipient", "id"]);
        migrationBuilder.CreateIndex(name: "ix_outbox_campaign_id_id", table: "outbox", columns: ["campaign_id", "id"]);
        migrationBuilder.CreateIndex(name: "ix_outbox_delivery_id", table: "outbox", column: "delivery_id");
        migrationBuilder.CreateIndex(name: "ix_outbox_transactional_message_id", table: "outbox", column: "transactional_message_id");
        migrationBuilder.CreateIndex(name: "ix_outbox_message_id", table: "outbox", column: "message_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "outbox");
    }
}
