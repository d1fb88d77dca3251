namespace Triton.Core.Domain;

/// <summary>What kind of object a group may hold; a template group cannot hold a list.</summary>
public enum GroupScope { Campaign, Template, List, Trigger, Transport, Category }

public sealed class Group
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public GroupScope Scope { get; set; }
}
