using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Triton.Core.Data.Migrations;

/// <summary>CSV imports' progress and reports in the database, so every instance sees them; written by hand.</summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261130010000_ListImports")]
public sealed class ListImports : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "list_imports",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                added = table.Column<long>(nullable: false),
                bytes_read = table.Column<long>(nullable: false),
                bytes_total = table.Column<long?>(nullable: true),
                errors = table.Column<string>(nullable: false),
                finished_at = table.Column<DateTimeOffset?>(nullable: true),
                import_id = table.Column<string>(maxLength: 100, nullable: false),
                list_id = table.Column<int>(nullable: false),
                refusal = table.Column<string>(maxLength: 2000, nullable: true),
                rows_read = table.Column<long>(nullable: false),
                skipped = table.Column<long>(nullable: false),
                started_at = table.Column<DateTimeOffset>(nullable: false),
                total_errors = table.Column<long>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_list_imports", x => x.id);
                table.ForeignKey(name: "fk_list_imports_lists_list_id", column: x => x.list_id,
                    principalTable: "lists", principalColumn: "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "ix_list_imports_list_id_import_id", table: "list_imports", columns: ["list_id", "import_id"], unique: true);
        migrationBuilder.CreateIndex(name: "ix_list_imports_finished_at", table: "list_imports", column: "finished_at");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "list_imports");
    }
}
