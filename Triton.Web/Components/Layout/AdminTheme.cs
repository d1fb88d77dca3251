using MudBlazor;

namespace Triton.Web.Components.Layout;

/// <summary>The admin's MudBlazor palette, light and dark.</summary>
public static class AdminTheme
{
    public static readonly MudTheme Value = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1565c0", AppbarBackground = "#0d47a1" },
        PaletteDark = new PaletteDark { Primary = "#64b5f6" },
    };
}
