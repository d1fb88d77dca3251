using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
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
        builder.Property(c => c.Subjects).HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<List<string>>(v, JsonSerializerOptions.Default) ?? new List<string>(),
            new ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s)), v => v.ToList()));
        builder.Property(c => c.CustomHeaders).HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, JsonSerializerOptions.Default) ?? new Dictionary<string, string>(),
            new ValueComparer<Dictionary<string, string>>((a, b) => a!.Count == b!.Count && !a.Except(b).Any(), v => v.Count, v => new Dictionary<string, string>(v)));

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
