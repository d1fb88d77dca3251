using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Triton.Core.Data.Migrations;

/// <summary>
/// The first schema, written by hand (EF's design-time tooling is not available). Column types are
/// left to each provider's mapping of the CLR type, so one migration serves SQLite and PostgreSQL;
/// a test checks that a migrated database matches the EF model on both.
/// </summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261123000000_InitialSchema")]
public sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "groups",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                name = table.Column<string>(maxLength: 200, nullable: false),
                scope = table.Column<int>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_groups", x => x.id);
            });

        migrationBuilder.CreateTable(
            name: "templates",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                body = table.Column<string>(nullable: false),
                description = table.Column<string>(nullable: true),
                group_id = table.Column<int?>(nullable: true),
                inline_css = table.Column<bool>(nullable: false),
                name = table.Column<string>(maxLength: 200, nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
                version = table.Column<int>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_templates", x => x.id);
                table.ForeignKey(
                    name: "fk_templates_groups_group_id",
                    column: x => x.group_id,
                    principalTable: "groups",
                    principalColumn: "id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "lists",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                description = table.Column<string>(nullable: true),
                group_id = table.Column<int?>(nullable: true),
                name = table.Column<string>(maxLength: 200, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_lists", x => x.id);
                table.ForeignKey(
                    name: "fk_lists_groups_group_id",
                    column: x => x.group_id,
                    principalTable: "groups",
                    principalColumn: "id",
                    onDelete: ReferentialAction.SetNull);
            });

        migrationBuilder.CreateTable(
            name: "list_columns",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                list_id = table.Column<int>(nullable: false),
                name = table.Column<string>(maxLength: 64, nullable: false),
                position = table.Column<int>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_list_columns", x => x.id);
                table.ForeignKey(
                    name: "fk_list_columns_lists_list_id",
                    column: x => x.list_id,
                    principalTable: "lists",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "recipients",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                email = table.Column<string>(maxLength: 320, nullable: false),
                email_key = table.Column<string>(maxLength: 320, nullable: false),
                fields = table.Column<string>(nullable: false),
                list_id = table.Column<int>(nullable: false),
                user_id = table.Column<string>(maxLength: 200, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_recipients", x => x.id);
                table.ForeignKey(
                    name: "fk_recipients_lists_list_id",
                    column: x => x.list_id,
                    principalTable: "lists",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "transports",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                accept_self_signed_certificate = table.Column<bool>(nullable: false),
                allow_auth_without_tls = table.Column<bool>(nullable: false),
                group_id = table.Column<int?>(nullable: true),
                host = table.Column<string>(nullable: true),
                kind = table.Column<int>(nullable: false),
                max_connections = table.Column<int>(nullable: false),
                max_messages_per_connection = table.Column<int>(nullable: false),
                name = table.Column<string>(maxLength: 200, nullable: false),
                pickup_directory = table.Column<string>(nullable: true),
                port = table.Column<int>(nullable: false),
                protected_password = table.Column<string>(nullable: true),
                rate_per_second = table.Column<double>(nullable: false),
                security = table.Column<int>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
                username = table.Column<string>(nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_transports", x => x.id);
            });

        migrationBuilder.CreateTable(
            name: "tracking_categories",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                description = table.Column<string>(nullable: true),
                group_id = table.Column<int?>(nullable: true),
                name = table.Column<string>(maxLength: 200, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_tracking_categories", x => x.id);
            });

        migrationBuilder.CreateTable(
            name: "campaigns",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                bounced = table.Column<long>(nullable: false),
                concurrency = table.Column<int>(nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                custom_headers = table.Column<string>(nullable: false),
                custom_variables = table.Column<string>(nullable: false),
                description = table.Column<string>(nullable: true),
                enqueue_cursor = table.Column<long>(nullable: false),
                enqueue_done = table.Column<bool>(nullable: false),
                enqueue_limit = table.Column<long>(nullable: false),
                enqueued = table.Column<long>(nullable: false),
                failed = table.Column<long>(nullable: false),
                from_address = table.Column<string>(nullable: false),
                from_name = table.Column<string>(nullable: true),
                generation = table.Column<int>(nullable: false),
                group_id = table.Column<int?>(nullable: true),
                list_id = table.Column<int>(nullable: false),
                max_start_delay_minutes = table.Column<int?>(nullable: true),
                name = table.Column<string>(maxLength: 200, nullable: false),
                plan = table.Column<long>(nullable: false),
                schedule_at = table.Column<DateTimeOffset?>(nullable: true),
                schedule_consumed = table.Column<bool>(nullable: false),
                sent = table.Column<long>(nullable: false),
                skipped = table.Column<long>(nullable: false),
                state = table.Column<int>(nullable: false),
                state_reason = table.Column<string>(nullable: true),
                subject_mode = table.Column<int>(nullable: false),
                subjects = table.Column<string>(nullable: false),
                template_id = table.Column<int>(nullable: false),
                tracking_category_id = table.Column<int?>(nullable: true),
                transport_id = table.Column<int>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_campaigns", x => x.id);
                table.ForeignKey(
                    name: "fk_campaigns_groups_group_id",
                    column: x => x.group_id,
                    principalTable: "groups",
                    principalColumn: "id",
                    onDelete: ReferentialAction.SetNull);
                table.ForeignKey(
                    name: "fk_campaigns_lists_list_id",
                    column: x => x.list_id,
                    principalTable: "lists",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "fk_campaigns_templates_template_id",
                    column: x => x.template_id,
                    principalTable: "templates",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "fk_campaigns_tracking_categories_tracking_category_id",
                    column: x => x.tracking_category_id,
                    principalTable: "tracking_categories",
                    principalColumn: "id",
                    onDelete: ReferentialAction.SetNull);
                table.ForeignKey(
                    name: "fk_campaigns_transports_transport_id",
                    column: x => x.transport_id,
                    principalTable: "transports",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "deliveries",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                attempts = table.Column<int>(nullable: false),
                campaign_id = table.Column<int>(nullable: false),
                email = table.Column<string>(maxLength: 320, nullable: false),
                generation = table.Column<int>(nullable: false),
                last_reply = table.Column<string>(nullable: true),
                lease_owner = table.Column<string>(maxLength: 100, nullable: true),
                lease_until = table.Column<long>(nullable: false),
                not_before = table.Column<long>(nullable: false),
                recipient_id = table.Column<long>(nullable: false),
                reply_code = table.Column<int?>(nullable: true),
                status = table.Column<int>(nullable: false),
                subject_index = table.Column<int?>(nullable: true),
                updated_at = table.Column<long>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_deliveries", x => x.id);
                table.ForeignKey(
                    name: "fk_deliveries_campaigns_campaign_id",
                    column: x => x.campaign_id,
                    principalTable: "campaigns",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "campaign_runs",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                campaign_id = table.Column<int>(nullable: false),
                ended_at = table.Column<DateTimeOffset?>(nullable: true),
                error = table.Column<string>(nullable: true),
                failed = table.Column<long>(nullable: false),
                generation = table.Column<int>(nullable: false),
                outcome = table.Column<int>(nullable: false),
                sent = table.Column<long>(nullable: false),
                started_at = table.Column<DateTimeOffset>(nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_campaign_runs", x => x.id);
                table.ForeignKey(
                    name: "fk_campaign_runs_campaigns_campaign_id",
                    column: x => x.campaign_id,
                    principalTable: "campaigns",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "api_keys",
            columns: table => new
            {
                id = table.Column<int>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                hash = table.Column<string>(maxLength: 64, nullable: false),
                last_used_at = table.Column<DateTimeOffset?>(nullable: true),
                name = table.Column<string>(maxLength: 200, nullable: false),
                prefix = table.Column<string>(maxLength: 16, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_api_keys", x => x.id);
            });

        migrationBuilder.CreateIndex(
            name: "ix_groups_scope_name",
            table: "groups",
            columns: new[] { "scope", "name" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_templates_group_id",
            table: "templates",
            column: "group_id");

        migrationBuilder.CreateIndex(
            name: "ix_templates_name",
            table: "templates",
            column: "name",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_lists_group_id",
            table: "lists",
            column: "group_id");

        migrationBuilder.CreateIndex(
            name: "ix_lists_name",
            table: "lists",
            column: "name",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_list_columns_list_id_name",
            table: "list_columns",
            columns: new[] { "list_id", "name" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_recipients_list_id_email_key",
            table: "recipients",
            columns: new[] { "list_id", "email_key" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_transports_name",
            table: "transports",
            column: "name",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_tracking_categories_name",
            table: "tracking_categories",
            column: "name",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_campaigns_group_id",
            table: "campaigns",
            column: "group_id");

        migrationBuilder.CreateIndex(
            name: "ix_campaigns_list_id",
            table: "campaigns",
            column: "list_id");

        migrationBuilder.CreateIndex(
            name: "ix_campaigns_name",
            table: "campaigns",
            column: "name",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_campaigns_state",
            table: "campaigns",
            column: "state");

        migrationBuilder.CreateIndex(
            name: "ix_campaigns_template_id",
            table: "campaigns",
            column: "template_id");

        migrationBuilder.CreateIndex(
            name: "ix_campaigns_tracking_category_id",
            table: "campaigns",
            column: "tracking_category_id");

        migrationBuilder.CreateIndex(
            name: "ix_campaigns_transport_id",
            table: "campaigns",
            column: "transport_id");

        migrationBuilder.CreateIndex(
            name: "ix_deliveries_campaign_id_generation_recipient_id",
            table: "deliveries",
            columns: new[] { "campaign_id", "generation", "recipient_id" },
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_deliveries_campaign_id_generation_status_id",
            table: "deliveries",
            columns: new[] { "campaign_id", "generation", "status", "id" });

        migrationBuilder.CreateIndex(
            name: "ix_campaign_runs_campaign_id_started_at",
            table: "campaign_runs",
            columns: new[] { "campaign_id", "started_at" });

        migrationBuilder.CreateIndex(
            name: "ix_api_keys_hash",
            table: "api_keys",
            column: "hash",
            unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "api_keys");
        migrationBuilder.DropTable(name: "campaign_runs");
        migrationBuilder.DropTable(name: "deliveries");
        migrationBuilder.DropTable(name: "campaigns");
        migrationBuilder.DropTable(name: "tracking_categories");
        migrationBuilder.DropTable(name: "transports");
        migrationBuilder.DropTable(name: "recipients");
        migrationBuilder.DropTable(name: "list_columns");
        migrationBuilder.DropTable(name: "lists");
        migrationBuilder.DropTable(name: "templates");
        migrationBuilder.DropTable(name: "groups");
    }
}
