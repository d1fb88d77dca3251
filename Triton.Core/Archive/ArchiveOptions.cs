namespace Triton.Core.Archive;

/// <summary>The "Archive" section of appsettings.json: which sent messages are kept as .eml, where and how long.</summary>
public sealed class ArchiveOptions
{
    public const string Section = "Archive";

    /// <summary>Where the .eml files go; empty means "archive" under Triton:DataDirectory.</summary>
    public string? Directory { get; set; }

    /// <summary>Keep every message a campaign sends.</summary>
    public bool Campaigns { get; set; }

    /// <summary>Keep every transactional message a trigger sends.</summary>
    public bool Triggers { get; set; }

    /// <summary>Days an archived message (its outbox row and its file) is kept before the purge removes it.</summary>
    public int KeepDays { get; set; } = 60;

    /// <summary>How often the purge runs, in minutes.</summary>
    public int PurgeIntervalMinutes { get; set; } = 60;
}
