using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class SendingDayConfiguration : IEntityTypeConfiguration<SendingDay>
{
    public void Configure(EntityTypeBuilder<SendingDay> builder)
    {
        builder.ToTable("sending_days");
        builder.HasKey(d => d.Day);
        builder.Property(d => d.Day).ValueGeneratedNever();
    }
}
