namespace Triton.Core.Domain;

public sealed class MailingList
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int? GroupId { get; set; }
    public Group? Group { get; set; }

    /// <summary>Custom columns, fixed at creation. Every list also has email and user_id.</summary>
    public List<ListColumn> Columns { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class ListColumn
{
    public int Id { get; set; }
    public int ListId { get; set; }
    public required string Name { get; set; }
    public int Position { get; set; }
}
