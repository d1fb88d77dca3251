using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.ToTable("deliveries");
        builder.Property(d => d.Email).HasMaxLength(320);
        builder.Property(d => d.LeaseOwner).HasMaxLength(100);
        // The claim query: queued jobs of one campaign generation in id order.
        builder.HasIndex(d => new { d.CampaignId, d.Generation, d.Status, d.Id });
        // One job per recipient per generation: a resumed enqueue cannot double a recipient.
        builder.HasIndex(d => new { d.CampaignId, d.Generation, d.RecipientId }).IsUnique();
        builder.HasOne<Campaign>().WithMany().HasForeignKey(d => d.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
