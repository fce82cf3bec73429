using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.ApiKeys;

public sealed record ResolvedApiKey(Guid KeyId, Guid TenantId, ApiKeyKind Kind, string[] AllowedOrigins, Guid? CreatedBy);

/// <summary>
/// Resolves a presented secret to its tenant through the narrow SECURITY DEFINER function
/// <c>resolve_api_key</c>: the app role itself can never read another tenant's keys.
/// </summary>
public sealed class ApiKeyResolver(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<ResolvedApiKey?> ResolveAsync(string presented, CancellationToken ct)
    {
        if (!ApiKeySecrets.LooksLikeKey(presented) || presented.Length > 128) return null;
        var hash = ApiKeySecrets.Hash(presented);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Database
            .SqlQuery<ResolvedRow>($"SELECT key_id AS \"KeyId\", tenant_id AS \"TenantId\", kind AS \"Kind\", allowed_origins AS \"AllowedOrigins\", created_by AS \"CreatedBy\" FROM resolve_api_key({hash})")
            .ToListAsync(ct);
        return rows is [var r]
            ? new ResolvedApiKey(r.KeyId, r.TenantId, r.Kind == "secret" ? ApiKeyKind.Secret : ApiKeyKind.Publishable, r.AllowedOrigins, r.CreatedBy)
            : null;
    }

    private sealed class ResolvedRow
    {
        public Guid KeyId { get; set; }
        public Guid TenantId { get; set; }
        public string Kind { get; set; } = "";
        public string[] AllowedOrigins { get; set; } = [];
        public Guid? CreatedBy { get; set; }
    }
}
