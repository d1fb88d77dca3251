using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("campaigns");
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.HasIndex(c => c.Name).IsUnique();
        builder.HasIndex(c => c.State);
        builder.HasOne(c => c.Group).WithMany().HasForeignKey(c => c.GroupId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Template>().WithMany().HasForeignKey(c => c.TemplateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<MailingList>().WithMany().HasForeignKey(c => c.ListId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Transport>().WithMany().HasForeignKey(c => c.TransportId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TrackingCategory>().WithMany().HasForeignKey(c => c.TrackingCategoryId).OnDelete(DeleteBehavior.SetNull);

        // JSON text on both providers, so the schema is the same everywhere.
        builder.Property(c => c.Subjects).AsJson();
        builder.Property(c => c.CustomHeaders).AsJson();

        builder.OwnsOne(c => c.Progress, p =>
        {
            p.Property(x => x.Plan).HasColumnName("plan");
            p.Property(x => x.Enqueued).HasColumnName("enqueued");
            p.Property(x => x.Sent).HasColumnName("sent");
            p.Property(x => x.Skipped).HasColumnName("skipped");
            p.Property(x => x.Failed).HasColumnName("failed");
            p.Property(x => x.Bounced).HasColumnName("bounced");
        });
        builder.Navigation(c => c.Progress).IsRequired();
    }
}
