namespace Triton.Core.Transfer;

/// <summary>What an import does with a name the file brings: create it, reuse the same-named one here, or stop on it.</summary>
public enum ImportAction { Create, Reuse, Conflict }

/// <summary>How names already in use here are treated: the import is refused, or the existing entity is used instead.</summary>
public enum ImportStrategy { Refuse, Reuse }

public sealed record ImportItem(string Kind, string Name, ImportAction Action, long? Recipients = null);

/// <summary>
/// What an import creates, which names conflict and which references name something neither the file nor
/// this instance has (a transport, a partial). Applied says whether it was carried out.
/// </summary>
public sealed record ImportPlan(string Kind, string Name, DateTimeOffset ExportedAt, IReadOnlyList<ImportItem> Items,
    IReadOnlyList<string> Conflicts, IReadOnlyList<string> MissingReferences, IReadOnlyList<string> Notes, bool Applied)
{
    public bool CanApply => Conflicts.Count == 0 && MissingReferences.Count == 0;

    /// <summary>Why the import cannot be applied, as one sentence per problem.</summary>
    public string Refusal => string.Join(" ", new[]
    {
        Conflicts.Count > 0 ? "Names already in use here: " + string.Join(", ", Conflicts) + "." : null,
        MissingReferences.Count > 0 ? "Missing on this instance: " + string.Join(", ", MissingReferences) + "." : null,
    }.Where(s => s is not null));
}
