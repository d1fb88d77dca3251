using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

/// <summary>
/// No foreign keys: an archived copy outlives the campaign or trigger that sent it until the purge
/// removes it, and deleting a campaign must not wait on its archive.
/// </summary>
public sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox");
        builder.Property(m => m.MessageId).HasMaxLength(250);
        builder.Property(m => m.Recipient).HasMaxLength(320);
        builder.Property(m => m.Subject).HasMaxLength(1000);
        builder.Property(m => m.Path).HasMaxLength(400);
        // The purge: oldest first.
        builder.HasIndex(m => m.SentAt);
        // Searches: by recipient, by campaign, by message, newest first.
        builder.HasIndex(m => new { m.Recipient, m.Id });
        builder.HasIndex(m => new { m.CampaignId, m.Id });
        builder.HasIndex(m => m.DeliveryId);
        builder.HasIndex(m => m.TransactionalMessageId);
        builder.HasIndex(m => m.MessageId);
    }
}
