using Microsoft.EntityFrameworkCore;
using Portal.Auditing;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.ApiKeys;

public sealed record ApiKeyView(Guid Id, string Name, string Kind, string Prefix, string[] AllowedOrigins,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record CreatedApiKey(ApiKeyView Key, string Secret);

/// <summary>API key management inside the current tenant's transaction.</summary>
public sealed class ApiKeyService(PortalDbContext db, TenantContext tenant, AuditLog audit)
{
    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(CancellationToken ct)
    {
        RequireManager();
        return (await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id).ToListAsync(ct))
        .Select(ToView).ToList();
    }

    public async Task<CreatedApiKey> CreateAsync(string? name, string? kind, IReadOnlyList<string>? allowedOrigins,
        DateTimeOffset? expiresAt, Guid createdBy, CancellationToken ct)
    {
        RequireManager();
        name = Portal.Text.TextRules.CleanName(name);
        if (string.IsNullOrEmpty(name) || name.Length > 200)
            throw PortalException.Invalid("'name' is required and must be 1 to 200 visible characters.");
        var parsedKind = kind switch
        {
            "secret" => ApiKeyKind.Secret,
            "publishable" => ApiKeyKind.Publishable,
            _ => throw PortalException.Invalid("'kind' must be \"secret\" or \"publishable\"."),
        };
        var origins = Origins.NormaliseAll(allowedOrigins ?? []);
        if (parsedKind == ApiKeyKind.Publishable && origins.Length == 0)
            throw PortalException.Invalid("A publishable key needs at least one entry in 'allowedOrigins', such as \"https://www.example.com\".");
        if (parsedKind == ApiKeyKind.Secret && origins.Length > 0)
            throw PortalException.Invalid("'allowedOrigins' applies to publishable keys only; secret keys are for servers.");
        if (expiresAt is { } e && e <= DateTimeOffset.UtcNow)
            throw PortalException.Invalid("'expiresAt' must be in the future.");

        var secret = ApiKeySecrets.Create(parsedKind);
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenant.RequiredTenantId,
            Name = name,
            Kind = parsedKind,
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            SecretHash = ApiKeySecrets.Hash(secret),
            AllowedOrigins = origins,
            CreatedBy = createdBy,
            ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(key);
        audit.Record("api-key.created", key.Id.ToString(), new { key.Name, kind = kind });
        await db.SaveChangesAsync(ct);
        return new CreatedApiKey(ToView(key), secret);
    }

    public async Task RevokeAsync(Guid id, CancellationToken ct)
    {
        RequireManager();
        // A revoked key is gone as far as its API goes: deleting it again is a 404, like any delete.
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, ct) ?? throw PortalException.NotFound("The API key");
        key.RevokedAt = DateTimeOffset.UtcNow;
        audit.Record("api-key.revoked", key.Id.ToString(), new { key.Name });
        await db.SaveChangesAsync(ct);
    }

    private void RequireManager()
    {
        if (tenant.Role is not { } role || !role.CanManageMembers())
            throw PortalException.Forbidden("Only an Owner or Admin of the tenant can manage API keys.");
    }

    private static ApiKeyView ToView(ApiKey k) => new(k.Id, k.Name, k.Kind.ToString().ToLowerInvariant(), k.Prefix,
        k.AllowedOrigins, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt);
}
