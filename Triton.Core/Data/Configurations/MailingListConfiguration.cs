using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class MailingListConfiguration : IEntityTypeConfiguration<MailingList>
{
    public void Configure(EntityTypeBuilder<MailingList> builder)
    {
        builder.ToTable("lists");
        builder.Property(l => l.Name).HasMaxLength(200);
        builder.HasIndex(l => l.Name).IsUnique();
        builder.HasOne(l => l.Group).WithMany().HasForeignKey(l => l.GroupId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(l => l.Columns).WithOne().HasForeignKey(c => c.ListId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ListColumnConfiguration : IEntityTypeConfiguration<ListColumn>
{
    public void Configure(EntityTypeBuilder<ListColumn> builder)
    {
        builder.ToTable("list_columns");
        builder.Property(c => c.Name).HasMaxLength(64);
        builder.HasIndex(c => new { c.ListId, c.Name }).IsUnique();
    }
}
