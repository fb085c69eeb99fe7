using MudBlazor;

namespace SmartElek.Operator.Dashboard;

/// <summary>One calm palette: a dark slate bar, white cards, the LEDs' own colours kept for the LEDs.</summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f6feb",
            Secondary = "#475569",
            AppbarBackground = "#0f172a",
            AppbarText = "#f8fafc",
            Background = "#f1f5f9",
            Surface = "#ffffff",
            TextPrimary = "#0f172a",
            TextSecondary = "#475569",
            Success = "#16a34a",
            Error = "#dc2626",
            Warning = "#d97706",
            Info = "#2563eb",
            LinesDefault = "#e2e8f0",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Inter", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
