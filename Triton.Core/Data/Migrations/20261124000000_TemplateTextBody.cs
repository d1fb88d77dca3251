using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Triton.Core.Data.Migrations;

/// <summary>An optional plain-text template beside the HTML one, written by hand like the initial schema.</summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261124000000_TemplateTextBody")]
public sealed class TemplateTextBody : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "text_body", table: "templates", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "text_body", table: "templates");
}
