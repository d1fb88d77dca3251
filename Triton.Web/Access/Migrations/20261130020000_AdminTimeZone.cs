using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Triton.Web.Access.Migrations;

/// <summary>Each admin user's time zone: the admin shows times and takes schedules in it.</summary>
[DbContext(typeof(AdminIdentityDbContext))]
[Migration("20261130020000_AdminTimeZone")]
public sealed class AdminTimeZone : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "TimeZone", table: "AspNetUsers", maxLength: 100, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "TimeZone", table: "AspNetUsers");
}
