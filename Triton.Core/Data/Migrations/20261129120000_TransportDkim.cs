using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Triton.Core.Data.Migrations;

/// <summary>A transport's DKIM domain, selector and private key (encrypted); all null on existing rows: no signing.</summary>
[DbContext(typeof(TritonDbContext))]
[Migration("20261129120000_TransportDkim")]
public sealed class TransportDkim : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "dkim_domain", table: "transports", nullable: true);
        migrationBuilder.AddColumn<string>(name: "dkim_selector", table: "transports", nullable: true);
        migrationBuilder.AddColumn<string>(name: "protected_dkim_private_key", table: "transports", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "protected_dkim_private_key", table: "transports");
        migrationBuilder.DropColumn(name: "dkim_selector", table: "transports");
        migrationBuilder.DropColumn(name: "dkim_domain", table: "transports");
    }
}
