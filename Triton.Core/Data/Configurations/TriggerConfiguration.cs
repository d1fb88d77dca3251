using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
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
        builder.Property(t => t.Subjects).HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<List<string>>(v, JsonSerializerOptions.Default) ?? new List<string>(),
            new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s)), v => v.ToList()));
        builder.Property(t => t.CustomHeaders).HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, JsonSerializerOptions.Default) ?? new Dictionary<string, string>(),
            new ValueComparer<Dictionary<string, string>>((a, b) => a!.Count == b!.Count && !a.Except(b).Any(), v => v.Count, v => new Dictionary<string, string>(v)));
    }
}
