using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Triton.Core.Data.Migrations;

/// <summary>Event contracts, triggers and the transactional message log, written by hand.</summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261129210000_TransactionalMail")]
public sealed class TransactionalMail : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "event_contracts",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                description = table.Column<string>(nullable: true),
                name = table.Column<string>(maxLength: 100, nullable: false),
                strict = table.Column<bool>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
                variables = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_event_contracts", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_event_contracts_name", table: "event_contracts", column: "name", unique: true);

        migrationBuilder.CreateTable(
            name: "triggers",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                active = table.Column<bool>(nullable: false),
                active_contract_id = table.Column<int?>(nullable: true),
                contract_id = table.Column<int>(nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                custom_headers = table.Column<string>(nullable: false),
                custom_variables = table.Column<string>(nullable: false),
                description = table.Column<string>(nullable: true),
                from_address = table.Column<string>(nullable: false),
                from_name = table.Column<string>(nullable: true),
                group_id = table.Column<int?>(nullable: true),
                last_test_at = table.Column<DateTimeOffset?>(nullable: true),
                last_test_error = table.Column<string>(nullable: true),
                name = table.Column<string>(maxLength: 200, nullable: false),
                subject_mode = table.Column<int>(nullable: false),
                subjects = table.Column<string>(nullable: false),
                template_id = table.Column<int>(nullable: false),
                tracking_category_id = table.Column<int?>(nullable: true),
                transport_id = table.Column<int>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_triggers", x => x.id);
                table.ForeignKey(name: "fk_triggers_event_contracts_contract_id", column: x => x.contract_id,
                    principalTable: "event_contracts", principalColumn: "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey(name: "fk_triggers_groups_group_id", column: x => x.group_id,
                    principalTable: "groups", principalColumn: "id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey(name: "fk_triggers_templates_template_id", column: x => x.template_id,
                    principalTable: "templates", principalColumn: "id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey(name: "fk_triggers_tracking_categories_tracking_category_id", column: x => x.tracking_category_id,
                    principalTable: "tracking_categories", principalColumn: "id", onDelete: ReferentialAction.SetNull);
                table.ForeignKey(name: "fk_triggers_transports_transport_id", column: x => x.transport_id,
                    principalTable: "transports", principalColumn: "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "ix_triggers_name", table: "triggers", column: "name", unique: true);
        migrationBuilder.CreateIndex(name: "ix_triggers_active_contract_id", table: "triggers", column: "active_contract_id", unique: true);
        migrationBuilder.CreateIndex(name: "ix_triggers_contract_id", table: "triggers", column: "contract_id");
        migrationBuilder.CreateIndex(name: "ix_triggers_group_id", table: "triggers", column: "group_id");
        migrationBuilder.CreateIndex(name: "ix_triggers_template_id", table: "triggers", column: "template_id");
        migrationBuilder.CreateIndex(name: "ix_triggers_tracking_category_id", table: "triggers", column: "tracking_category_id");
        migrationBuilder.CreateIndex(name: "ix_triggers_transport_id", table: "triggers", column: "transport_id");

        migrationBuilder.CreateTable(
            name: "messages",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                attempts = table.Column<int>(nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                email = table.Column<string>(maxLength: 320, nullable: false),
                event_name = table.Column<string>(maxLength: 100, nullable: false),
                fields = table.Column<string>(nullable: false),
                idempotency_key = table.Column<string>(maxLength: 200, nullable: true),
                last_reply = table.Column<string>(maxLength: 1000, nullable: true),
                lease_owner = table.Column<string>(maxLength: 100, nullable: true),
                lease_until = table.Column<long>(nullable: false),
                message_id = table.Column<string>(maxLength: 40, nullable: false),
                not_before = table.Column<long>(nullable: false),
                reply_code = table.Column<int?>(nullable: true),
                sent_at = table.Column<DateTimeOffset?>(nullable: true),
                status = table.Column<int>(nullable: false),
                trigger_id = table.Column<int>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
                user_id = table.Column<string>(maxLength: 200, nullable: true),
                variables = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_messages", x => x.id);
                table.ForeignKey(name: "fk_messages_triggers_trigger_id", column: x => x.trigger_id,
                    principalTable: "triggers", principalColumn: "id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "ix_messages_message_id", table: "messages", column: "message_id", unique: true);
        migrationBuilder.CreateIndex(name: "ix_messages_idempotency_key", table: "messages", column: "idempotency_key", unique: true);
        migrationBuilder.CreateIndex(name: "ix_messages_status_not_before_id", table: "messages", columns: ["status", "not_before", "id"]);
        migrationBuilder.CreateIndex(name: "ix_messages_email_id", table: "messages", columns: ["email", "id"]);
        migrationBuilder.CreateIndex(name: "ix_messages_event_name_id", table: "messages", columns: ["event_name", "id"]);
        migrationBuilder.CreateIndex(name: "ix_messages_trigger_id", table: "messages", column: "trigger_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "messages");
        migrationBuilder.DropTable(name: "triggers");
        migrationBuilder.DropTable(name: "event_contracts");
    }
}
