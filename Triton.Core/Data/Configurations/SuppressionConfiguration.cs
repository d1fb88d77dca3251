using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class SuppressionConfiguration : IEntityTypeConfiguration<Suppression>
{
    public void Configure(EntityTypeBuilder<Suppression> builder)
    {
        builder.ToTable("suppressions");
        builder.Property(s => s.Email).HasMaxLength(320);
        builder.Property(s => s.Source).HasMaxLength(200);
        // One row per address; also the index every enqueue batch and claim joins against.
        builder.HasIndex(s => s.Email).IsUnique();
    }
}
