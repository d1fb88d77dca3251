using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class TriggerConfiguration : IEntityTypeConfiguration<Trigger>
{
    public void Configure(EntityTypeBuilder<Trigger> builder)
    {
        builder.ToTable("triggers");
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.HasIndex(t => t.Name).IsUnique();
        builder.HasIndex(t => t.ActiveContractId).IsUnique();
        builder.HasOne<Group>().WithMany().HasForeignKey(t => t.GroupId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<EventContract>().WithMany().HasForeignKey(t => t.ContractId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Template>().WithMany().HasForeignKey(t => t.TemplateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Transport>().WithMany().HasForeignKey(t => t.TransportId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TrackingCategory>().WithMany().HasForeignKey(t => t.TrackingCategoryId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(t => t.Subjects).AsJson();
        builder.Property(t => t.CustomHeaders).AsJson();
    }
}
