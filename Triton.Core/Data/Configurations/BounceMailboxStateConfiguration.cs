using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class BounceMailboxStateConfiguration : IEntityTypeConfiguration<BounceMailboxState>
{
    public void Configure(EntityTypeBuilder<BounceMailboxState> builder)
    {
        builder.ToTable("bounce_mailbox_states");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.LastError).HasMaxLength(1000);
    }
}
