using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Auditing;
using Portal.Billing;
using Portal.Data;
using Portal.Documents;
using Portal.Documents.Chunking;
using Portal.Search;
using Portal.Search.Embeddings;
using Portal.Search.Vectors;
using Portal.Tenancy;

namespace Portal.KnowledgeBases;

public sealed record CreateKnowledgeBaseRequest(string? Name, ChunkingRequest? Chunking, RetrievalSettingsRequest? Retrieval = null);
public sealed record UpdateKnowledgeBaseRequest(string? Name, ChunkingRequest? Chunking, RetrievalSettingsRequest? Retrieval = null);

public sealed record KnowledgeBaseView(Guid Id, string Name, ChunkingView Chunking, RetrievalSettingsView Retrieval, int DocumentCount,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Knowledge base commands, shared by the API and the portal pages. Runs inside the caller's tenant
/// transaction; writes need Editor or better.
/// </summary>
internal sealed class KnowledgeBaseService(PortalDbContext db, TenantContext tenant, AuditLog audit, DocumentRemoval removal,
    EmbedderRegistry embedders, EmbeddingBackfillQueue backfill, Quotas quotas)
{
    public async Task<IReadOnlyList<KnowledgeBaseView>> ListAsync(CancellationToken ct)
    {
        var rows = await db.KnowledgeBases.AsNoTracking().OrderBy(k => k.Name)
            .Select(k => new { Kb = k, Count = db.Documents.Count(d => d.KnowledgeBaseId == k.Id) })
            .ToListAsync(ct);
        return rows.Select(r => ToView(r.Kb, r.Count)).ToList();
    }

    public async Task<KnowledgeBaseView> GetAsync(Guid id, CancellationToken ct)
    {
        var kb = await FindAsync(id, ct);
        return ToView(kb, await db.Documents.CountAsync(d => d.KnowledgeBaseId == id, ct));
    }

    public async Task<KnowledgeBaseView> CreateAsync(CreateKnowledgeBaseRequest request, CancellationToken ct)
    {
        RequireEditor();
        var name = ValidName(request.Name);
        await quotas.EnsureCanAddAsync(QuotaResource.KnowledgeBases, 1, ct);
        var kb = new KnowledgeBase
        {
            Id = Guid.CreateVersion7(), TenantId = tenant.RequiredTenantId, Name = name,
            Chunking = ChunkingSettings.ToStored(ChunkingSettings.Resolve(request.Chunking, new ChunkingOptions())),
            Retrieval = RetrievalSettingsChange.ToStored(RetrievalSettingsChange.Apply(request.Retrieval, new RetrievalSettings(), embedders)),
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.KnowledgeBases.Add(kb);
        audit.Record("knowledge-base.created", kb.Id.ToString(), new { kb.Name });
        await SaveAsync(ct);
        return ToView(kb, 0);
    }

    /// <summary>
    /// A changed chunking setting queues every document for a new version; the old one serves until the switch.
    /// A changed embedder builds a new vector generation beside the live one (the backfill job), switched when complete.
    /// </summary>
    public async Task<KnowledgeBaseView> UpdateAsync(Guid id, UpdateKnowledgeBaseRequest request, CancellationToken ct)
    {
        RequireEditor();
        var kb = await FindAsync(id, ct, tracked: true);
        if (request.Name is not null) kb.Name = ValidName(request.Name);
        var before = ChunkingSettings.FromStored(kb.Chunking);
        var after = ChunkingSettings.Resolve(request.Chunking, before);
        var reindex = after != before;
        if (reindex) kb.Chunking = ChunkingSettings.ToStored(after);
        var retrievalBefore = RetrievalSettingsChange.FromStored(kb.Retrieval);
        var retrievalAfter = RetrievalSettingsChange.Apply(request.Retrieval, retrievalBefore, embedders);
        var reembed = ResolvedModelId(retrievalAfter) != ResolvedModelId(retrievalBefore);
        if (retrievalAfter != retrievalBefore) kb.Retrieval = RetrievalSettingsChange.ToStored(retrievalAfter);
        kb.UpdatedAt = DateTimeOffset.UtcNow;
        audit.Record("knowledge-base.updated", id.ToString(), new { kb.Name, reindex, reembed, embedder = retrievalAfter.Embedder });
        await SaveAsync(ct);
        if (reembed) backfill.RunAfterCommit();
        if (reindex)
        {
            await db.Database.ExecuteSqlAsync($"""
                UPDATE documents SET building_version = greatest(building_version, coalesce(active_version, 0)) + 1,
                    status = 'Queued', attempts = 0, error = NULL, error_reason = NULL, started_at = NULL, finished_at = NULL,
                    next_attempt_at = now(), dispatched_at = NULL
                WHERE knowledge_base_id = {id}
                """, ct);
        }
        return await GetAsync(id, ct);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        RequireEditor();
        var kb = await FindAsync(id, ct);
        var documents = await db.Documents.Where(d => d.KnowledgeBaseId == id).Select(d => d.Id).ToListAsync(ct);
        foreach (var documentId in documents)
            await removal.RemoveAsync(documentId, ct);
        await db.KnowledgeBases.Where(k => k.Id == id).ExecuteDeleteAsync(ct);
        audit.Record("knowledge-base.deleted", id.ToString(), new { kb.Name, documents = documents.Count });
        await db.SaveChangesAsync(ct);
    }

    public void RequireEditor()
    {
        if (tenant.Role is not { } role || !role.CanEdit())
            throw PortalException.Forbidden("Changing knowledge bases needs the Editor role or better.");
    }

    private async Task<KnowledgeBase> FindAsync(Guid id, CancellationToken ct, bool tracked = false)
    {
        var query = tracked ? db.KnowledgeBases : db.KnowledgeBases.AsNoTracking();
        return await query.SingleOrDefaultAsync(k => k.Id == id, ct) ?? throw PortalException.NotFound("The knowledge base");
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw PortalException.Conflict("name-taken", "A knowledge base with this name already exists.");
        }
    }

    private static string ValidName(string? name) =>
        Portal.Text.TextRules.CleanName(name) is { Length: >= 1 and <= 200 } clean ? clean
        : throw PortalException.Invalid("name is required and must be 1 to 200 visible characters.");

    /// <summary>The model id a stored setting resolves to; an embedder since removed from this node counts as changed.</summary>
    private string? ResolvedModelId(RetrievalSettings settings) =>
        settings.Embedder is null ? embedders.Default.ModelId
        : embedders.ModelIds.Contains(settings.Embedder) ? settings.Embedder : null;

    private KnowledgeBaseView ToView(KnowledgeBase kb, int documents) =>
        new(kb.Id, kb.Name, ChunkingSettings.View(ChunkingSettings.FromStored(kb.Chunking)),
            RetrievalSettingsChange.View(RetrievalSettingsChange.FromStored(kb.Retrieval), embedders), documents, kb.CreatedAt, kb.UpdatedAt);
}
