namespace Triton.Core.Groups;

/// <summary>A group as the API and the admin form submit it.</summary>
public sealed class GroupInput
{
    public string? Name { get; set; }

    /// <summary>campaign, template, list, trigger, transport or category.</summary>
    public string? Scope { get; set; }
}
