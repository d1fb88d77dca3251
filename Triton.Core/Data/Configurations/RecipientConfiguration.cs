using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class RecipientConfiguration : IEntityTypeConfiguration<Recipient>
{
    public void Configure(EntityTypeBuilder<Recipient> builder)
    {
        builder.ToTable("recipients");
        builder.Property(r => r.Email).HasMaxLength(320);
        builder.Property(r => r.EmailKey).HasMaxLength(320);
        builder.Property(r => r.UserId).HasMaxLength(200);
        // One address per list, case-insensitively.
        builder.HasIndex(r => new { r.ListId, r.EmailKey }).IsUnique();
        // The enqueue's streaming order: a list's recipients by id range. Without it every enqueue
        // batch scans and sorts the whole list (quadratic; see docs/BENCHMARKS.md).
        builder.HasIndex(r => new { r.ListId, r.Id });
        builder.HasOne<MailingList>().WithMany().HasForeignKey(r => r.ListId).OnDelete(DeleteBehavior.Cascade);
    }
}
