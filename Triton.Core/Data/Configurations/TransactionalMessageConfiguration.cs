using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class TransactionalMessageConfiguration : IEntityTypeConfiguration<TransactionalMessage>
{
    public void Configure(EntityTypeBuilder<TransactionalMessage> builder)
    {
        builder.ToTable("messages");
        builder.Property(m => m.MessageId).HasMaxLength(40);
        builder.HasIndex(m => m.MessageId).IsUnique();
        builder.Property(m => m.EventName).HasMaxLength(100);
        builder.Property(m => m.Email).HasMaxLength(320);
        builder.Property(m => m.UserId).HasMaxLength(200);
        builder.Property(m => m.IdempotencyKey).HasMaxLength(200);
        builder.Property(m => m.LeaseOwner).HasMaxLength(100);
        builder.Property(m => m.LastReply).HasMaxLength(1000);
        builder.HasIndex(m => m.IdempotencyKey).IsUnique();
        // The sender's claim: due queued messages in order.
        builder.HasIndex(m => new { m.Status, m.NotBefore, m.Id });
        // The log: by recipient, by event, newest first.
        builder.HasIndex(m => new { m.Email, m.Id });
        builder.HasIndex(m => new { m.EventName, m.Id });
        builder.HasOne<Trigger>().WithMany().HasForeignKey(m => m.TriggerId).OnDelete(DeleteBehavior.Restrict);
    }
}
