using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class TrackingCategoryConfiguration : IEntityTypeConfiguration<TrackingCategory>
{
    public void Configure(EntityTypeBuilder<TrackingCategory> builder)
    {
        builder.ToTable("tracking_categories");
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.HasIndex(c => c.Name).IsUnique();
    }
}
