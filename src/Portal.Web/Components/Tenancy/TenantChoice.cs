using Portal.Tenancy;

namespace Portal.Web.Components.Tenancy;

internal static class TenantChoice
{
    /// <summary>
    /// The tenant a page acts for: the one the person last chose (their tenant cookie) while they are still a member of
    /// it, else their first active tenant by name. Over HTTP and in the circuit alike, so both decide the same.
    /// </summary>
    public static UserTenant? ForPage(IReadOnlyList<UserTenant> activeMemberships, Guid? preferred)
    {
        var ordered = activeMemberships.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.TenantId).ToList();
        return (preferred is { } id ? ordered.FirstOrDefault(t => t.TenantId == id) : null) ?? ordered.FirstOrDefault();
    }
}
