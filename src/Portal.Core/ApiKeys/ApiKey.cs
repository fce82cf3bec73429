namespace Portal.ApiKeys;

public sealed class ApiKey
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public ApiKeyKind Kind { get; set; }

    /// <summary>The first characters of the secret, shown in lists so people can tell keys apart.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the whole secret; the secret itself is never stored.</summary>
    public required byte[] SecretHash { get; set; }

    public string[] AllowedOrigins { get; set; } = [];
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public enum ApiKeyKind { Secret, Publishable }
