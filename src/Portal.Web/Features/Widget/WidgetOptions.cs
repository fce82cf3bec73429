using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Widget;

/// <summary>Limits for the embeddable widget's API (section <c>Widget</c>).</summary>
internal sealed class WidgetOptions
{
    [Range(1, 1_000_000)] public int PermitsPerMinutePerKey { get; set; } = 60;
    [Range(1, 1_000_000)] public int PermitsPerMinutePerIp { get; set; } = 120;

    /// <summary>Chat requests per publishable key per UTC day, unless the tenant's widget settings say otherwise.</summary>
    [Range(0, 10_000_000)] public int DailyQuota { get; set; } = 1000;
}
