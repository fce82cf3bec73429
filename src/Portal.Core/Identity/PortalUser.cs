using Microsoft.AspNetCore.Identity;

namespace Portal.Identity;

public sealed class PortalUser : IdentityUser<Guid>
{
    public string? DisplayName { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
