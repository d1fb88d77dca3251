namespace Triton.Web.Components.Forms;

/// <summary>Times as a user sees and enters them: in their own time zone (Settings), stored as UTC.</summary>
public static class ZonedTime
{
    /// <summary>"2026-11-30 14:05 (Europe/Paris)"; blank for none.</summary>
    public static string Show(DateTimeOffset? at, TimeZoneInfo zone) =>
        at is { } value ? $"{TimeZoneInfo.ConvertTime(value, zone):yyyy-MM-dd HH:mm} ({zone.Id})" : "";

    /// <summary>A wall-clock time in the zone as the moment it names (in a skipped hour, the moment after it).</summary>
    public static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified)) unspecified = unspecified.AddHours(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
    }

    /// <summary>The moment as the zone's wall clock shows it.</summary>
    public static DateTime ToLocal(DateTimeOffset at, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(at, zone).DateTime, DateTimeKind.Unspecified);
}
