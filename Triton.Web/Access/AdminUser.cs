using Microsoft.AspNetCore.Identity;

namespace Triton.Web.Access;

/// <summary>A person signing in to the admin, with their own settings.</summary>
public sealed class AdminUser : IdentityUser
{
    /// <summary>Where "send test" goes unless the user types another address.</summary>
    public string? DefaultTestRecipient { get; set; }

    /// <summary>Rows per page in the admin's tables.</summary>
    public int PageSize { get; set; } = UserPreferences.DefaultPageSize;

    /// <summary>The user's time zone (IANA or Windows id): times are shown and schedules entered in it. Null: UTC.</summary>
    public string? TimeZone { get; set; }
}

/// <summary>The three roles; each one can do what the one after it can.</summary>
public static class AdminRoles
{
    public const string Admin = "Admin";
    public const string Editor = "Editor";
    public const string Viewer = "Viewer";
    public static readonly string[] All = [Admin, Editor, Viewer];

    /// <summary>Policy names used on pages and form endpoints.</summary>
    public const string CanView = "AdminView";
    public const string CanEdit = "AdminEdit";
    public const string CanAdminister = "AdminAdminister";
}
