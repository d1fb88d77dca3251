namespace Triton.Web.Components.Layout;

/// <summary>The light/dark choice, remembered per browser in a cookie that the theme toggle writes.</summary>
public static class Theme
{
    public const string CookieName = "triton.theme";

    public static bool IsDark(HttpContext? context) =>
        context?.Request.Cookies[CookieName] == "dark";
}

/// <summary>What the layout needs to know about the page around it: the remembered theme, and whether it runs interactively.</summary>
public sealed record AdminShell(bool Dark, bool Interactive);
