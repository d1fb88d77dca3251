namespace Triton.Core.Domain;

/// <summary>Collects sends and opens of the campaigns and triggers assigned to it.</summary>
public sealed class TrackingCategory
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int? GroupId { get; set; }
}
