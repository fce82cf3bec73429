namespace Portal.Web.Auth;

internal static class PortalClaims
{
    public const string ApiKeyId = "portal:key_id";
    public const string TenantId = "portal:tenant_id";
    public const string KeyKind = "portal:key_kind";
    public const string KeyCreator = "portal:key_creator";
    public const string AllowedOrigin = "portal:allowed_origin";
}
