using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Triton.Core.Data.Migrations;

/// <summary>
/// An index on recipients (list_id, id), written by hand: the enqueue reads a list's recipients by
/// id range, which the unique (list_id, email_key) index cannot serve.
/// </summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261123160000_RecipientListIdIndex")]
public sealed class RecipientListIdIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateIndex(
            name: "ix_recipients_list_id_id",
            table: "recipients",
            columns: new[] { "list_id", "id" });
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "ix_recipients_list_id_id", table: "recipients");
    }
}
