using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class BounceMailboxSettingsConfiguration : IEntityTypeConfiguration<BounceMailboxSettings>
{
    public void Configure(EntityTypeBuilder<BounceMailboxSettings> builder)
    {
        builder.ToTable("bounce_mailbox_settings");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Host).HasMaxLength(255);
        builder.Property(s => s.Username).HasMaxLength(255);
        builder.Property(s => s.Folder).HasMaxLength(255);
    }
}
