using MudBlazor;

namespace Portal.Web.Components.Layout;

internal static class PortalTheme
{
    // System fonts only: the content security policy loads nothing from other origins.
    private static readonly string[] Fonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Noto Sans CJK SC", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        Typography = new Typography { Default = new DefaultTypography { FontFamily = Fonts } },
    };
}
