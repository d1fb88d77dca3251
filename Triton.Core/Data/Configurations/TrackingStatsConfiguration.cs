using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class TrackingDayConfiguration : IEntityTypeConfiguration<TrackingDay>
{
    public void Configure(EntityTypeBuilder<TrackingDay> builder)
    {
        builder.ToTable("tracking_days");
        // A category's days come first: the stats page asks for one category over a range of days.
        builder.HasKey(d => new { d.CategoryId, d.Day, d.UserId });
        builder.Property(d => d.UserId).HasMaxLength(200);
        // One user's history across categories.
        builder.HasIndex(d => new { d.UserId, d.Day });
    }
}

public sealed class TrackedSourceDayConfiguration : IEntityTypeConfiguration<TrackedSourceDay>
{
    public void Configure(EntityTypeBuilder<TrackedSourceDay> builder)
    {
        builder.ToTable("tracked_source_days");
        builder.HasKey(d => new { d.SourceKind, d.SourceId, d.Day });
    }
}

public sealed class TrackedLinkConfiguration : IEntityTypeConfiguration<TrackedLink>
{
    public void Configure(EntityTypeBuilder<TrackedLink> builder)
    {
        builder.ToTable("tracked_links");
        // Links longer than this are not rewritten (TrackingOptions), so every tracked URL fits an index entry on both providers.
        builder.Property(l => l.Url).HasMaxLength(2000);
        builder.HasKey(l => new { l.SourceKind, l.SourceId, l.Url });
    }
}

public sealed class TrackingFirstConfiguration : IEntityTypeConfiguration<TrackingFirst>
{
    public void Configure(EntityTypeBuilder<TrackingFirst> builder)
    {
        builder.ToTable("tracking_firsts");
        builder.HasKey(f => new { f.SourceKind, f.Reference, f.Kind });
    }
}
