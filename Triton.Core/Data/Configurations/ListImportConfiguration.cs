using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class ListImportConfiguration : IEntityTypeConfiguration<ListImport>
{
    public void Configure(EntityTypeBuilder<ListImport> builder)
    {
        builder.ToTable("list_imports");
        builder.Property(i => i.ImportId).HasMaxLength(100);
        builder.Property(i => i.Refusal).HasMaxLength(2000);
        // One import id per list: a client watches its import by it.
        builder.HasIndex(i => new { i.ListId, i.ImportId }).IsUnique();
        // Old ones are pruned among the finished.
        builder.HasIndex(i => i.FinishedAt);
        builder.HasOne<MailingList>().WithMany().HasForeignKey(i => i.ListId).OnDelete(DeleteBehavior.Cascade);
    }
}
