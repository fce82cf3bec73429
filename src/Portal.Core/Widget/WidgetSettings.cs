using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Chat;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Widget;

/// <summary>How a tenant's widget looks and how much it may be used; kept in <c>tenant_settings.widget</c>.</summary>
public sealed record WidgetSettings
{
    public string Title { get; init; } = "Ask us";
    public string WelcomeMessage { get; init; } = "Hi! Ask a question and I will answer from our documentation.";
    public string Color { get; init; } = "#0d6efd";
    public string Position { get; init; } = "right";
    /// <summary>A path on the portal's own origin (<c>/…</c>), or null for no avatar.</summary>
    public string? AvatarUrl { get; init; }
    public string Placeholder { get; init; } = "Type your question…";
    /// <summary>Chat requests per publishable key per UTC day; null uses the portal-wide default.</summary>
    public int? DailyQuota { get; init; }
}

/// <summary>Reads and writes the current tenant's widget settings inside its transaction.</summary>
public sealed partial class WidgetSettingsStore(PortalDbContext db, TenantContext tenant)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<WidgetSettings> LoadAsync(CancellationToken ct)
    {
        var row = await db.TenantSettings.AsNoTracking().SingleOrDefaultAsync(ct);
        if (row is null) return new WidgetSettings();
        try
        {
            return row.Widget.Deserialize<WidgetSettings>(Json) ?? new WidgetSettings();
        }
        catch (JsonException)
        {
            return new WidgetSettings();
        }
    }

    public async Task<WidgetSettings> SaveAsync(WidgetSettings settings, CancellationToken ct)
    {
        if (tenant.Role is not { } role || !role.CanManageMembers())
            throw PortalException.Forbidden("Only an Owner or Admin of the tenant can change the widget.");
        settings = Validate(settings);
        var row = await db.TenantSettings.SingleOrDefaultAsync(ct);
        if (row is null)
        {
            row = new TenantSettings { TenantId = tenant.RequiredTenantId };
            db.TenantSettings.Add(row);
        }
        row.Widget = JsonSerializer.SerializeToDocument(settings, Json);
        row.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        return settings;
    }

    public static WidgetSettings Validate(WidgetSettings s)
    {
        static string Text(string? value, string name, int max, string fallback)
        {
            value = value?.Trim();
            if (string.IsNullOrEmpty(value)) return fallback;
            return value.Length <= max ? value : throw PortalException.Invalid($"'{name}' must be at most {max} characters.");
        }
        var defaults = new WidgetSettings();
        var color = (s.Color ?? "").Trim();
        if (!HexColor().IsMatch(color)) throw PortalException.Invalid("'color' must be a hex colour such as #0d6efd.");
        if (s.Position is not ("right" or "left")) throw PortalException.Invalid("'position' must be \"right\" or \"left\".");
        var avatar = string.IsNullOrWhiteSpace(s.AvatarUrl) ? null : s.AvatarUrl.Trim();
        // The widget shows an avatar only from the portal's own origin, so only same-origin paths are kept.
        if (avatar is not null && (!avatar.StartsWith('/') || avatar.StartsWith("//", StringComparison.Ordinal) || avatar.Contains('\\') || avatar.Length > 300))
            throw PortalException.Invalid("'avatarUrl' must be a path on the portal (starting with /) or empty.");
        if (s.DailyQuota is < 0 or > 10_000_000) throw PortalException.Invalid("'dailyQuota' must be between 0 and 10,000,000.");
        return new WidgetSettings
        {
            Title = Text(s.Title, "title", 80, defaults.Title),
            WelcomeMessage = Text(s.WelcomeMessage, "welcomeMessage", 500, defaults.WelcomeMessage),
            Color = color.ToLowerInvariant(),
            Position = s.Position,
            AvatarUrl = avatar,
            Placeholder = Text(s.Placeholder, "placeholder", 120, defaults.Placeholder),
            DailyQuota = s.DailyQuota,
        };
    }

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColor();
}
