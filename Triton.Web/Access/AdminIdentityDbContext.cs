using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Triton.Web.Access;

/// <summary>
/// Users and roles of the admin, on the same database as Triton's data but in their own context and
/// migration history, so Triton.Core stays free of ASP.NET Identity.
/// </summary>
public sealed class AdminIdentityDbContext(DbContextOptions<AdminIdentityDbContext> options)
    : IdentityDbContext<AdminUser>(options)
{
    public const string MigrationsHistoryTable = "__admin_identity_migrations";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<AdminUser>(user =>
        {
            user.Property(u => u.DefaultTestRecipient).HasMaxLength(320);
            user.Property(u => u.PageSize).HasDefaultValue(UserPreferences.DefaultPageSize);
            user.Property(u => u.TimeZone).HasMaxLength(100);
        });
    }
}
