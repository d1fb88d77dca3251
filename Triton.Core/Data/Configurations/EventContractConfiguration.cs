using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Triton.Core.Domain;

namespace Triton.Core.Data.Configurations;

public sealed class EventContractConfiguration : IEntityTypeConfiguration<EventContract>
{
    public void Configure(EntityTypeBuilder<EventContract> builder)
    {
        builder.ToTable("event_contracts");
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.HasIndex(c => c.Name).IsUnique();
        // JSON text on both providers, like campaigns' subjects.
        builder.Property(c => c.Variables).HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<List<ContractVariable>>(v, JsonSerializerOptions.Default) ?? new List<ContractVariable>(),
            new ValueComparer<List<ContractVariable>>(
                (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Default) == JsonSerializer.Serialize(b, JsonSerializerOptions.Default),
                v => v.Count,
                v => JsonSerializer.Deserialize<List<ContractVariable>>(JsonSerializer.Serialize(v, JsonSerializerOptions.Default), JsonSerializerOptions.Default)!));
    }
}
