using Triton.Core.Domain;

namespace Triton.Core.Templates;

/// <summary>Chooses which of a campaign's subjects a recipient gets; the engine stores the index in Delivery.SubjectIndex.</summary>
public sealed class SubjectPicker(SubjectMode mode, int subjectCount, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    /// <param name="previousIndex">The index this recipient got last time from this campaign, if any.</param>
    public int Pick(int? previousIndex) => mode switch
    {
        SubjectMode.Sequential => NextSequential(previousIndex, subjectCount),
        SubjectMode.Random => subjectCount <= 1 ? 0 : _random.Next(subjectCount),
        _ => 0,
    };

    /// <summary>Round robin per recipient: the subject after the one they got last time; the first the first time.</summary>
    public static int NextSequential(int? previousIndex, int subjectCount)
    {
        if (subjectCount <= 0) throw new ArgumentOutOfRangeException(nameof(subjectCount), "A campaign needs a subject.");
        return previousIndex is { } previous && previous >= 0 ? (previous + 1) % subjectCount : 0;
    }
}
