namespace Portal.Web.Live;

/// <summary>A row changed somewhere (a web node or a worker): which tenant, what kind of row, which one, its new status.</summary>
public sealed record PortalEvent(Guid TenantId, string Kind, Guid Id, string Status, Guid? KnowledgeBaseId)
{
    public const string Document = "document";
    public const string Review = "review";
}
