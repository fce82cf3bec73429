using Microsoft.EntityFrameworkCore;
using Portal.Auditing;
using Portal.Curation;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Review;

/// <summary>
/// What a reviewer does with a flagged answer. Each action is recorded in the audit log with the
/// change it describes, in the caller's tenant transaction.
/// </summary>
internal sealed class ReviewActions(PortalDbContext db, TenantContext tenant, AuditLog audit, QaPairService qaPairs, ReviewQueue queue)
{
    public const int MaxCorrectionLength = 20_000;

    public Task ApproveAsync(Guid itemId, CancellationToken ct) => ResolveAsync(itemId, ReviewStatus.Approved, "review.approved", ct);

    public Task DismissAsync(Guid itemId, CancellationToken ct) => ResolveAsync(itemId, ReviewStatus.Dismissed, "review.dismissed", ct);

    /// <summary>
    /// Replaces the answer with a curated one: a QA pair (source "correction") in the answer's knowledge
    /// base, indexed for retrieval, and a preference pair (chosen = correction, rejected = the original).
    /// </summary>
    public async Task<Guid> CorrectAsync(Guid itemId, string? correction, Guid? knowledgeBaseId, CancellationToken ct)
    {
        correction = correction?.Trim();
        if (string.IsNullOrEmpty(correction) || correction.Length > MaxCorrectionLength)
            throw PortalException.Invalid($"'answer' is required and must be at most {MaxCorrectionLength} characters.");
        var item = await OpenItemAsync(itemId, ct);
        var answer = await db.Messages.SingleAsync(m => m.Id == item.MessageId, ct);
        var question = (await queue.QuestionsForAsync([answer], ct))[answer.Id];
        if (question.Length == 0) throw PortalException.Conflict("no-question", "The flagged answer has no question to attach a correction to.");
        var kb = item.KnowledgeBaseId ?? knowledgeBaseId ?? await SoleKnowledgeBaseAsync(ct)
            ?? throw PortalException.Invalid("Name the knowledge base of the correction in 'knowledgeBaseId'.");
        if (!await db.KnowledgeBases.AnyAsync(k => k.Id == kb, ct)) throw PortalException.NotFound("The knowledge base");

        var pair = await qaPairs.CreateAsync(kb, Truncate(question, 4000), correction, QaSource.Correction, ct);
        db.PreferencePairs.Add(new PreferencePair
        {
            Id = Guid.CreateVersion7(), TenantId = tenant.RequiredTenantId, KnowledgeBaseId = kb, ReviewItemId = item.Id,
            Prompt = question, Chosen = correction, Rejected = answer.Content,
        });
        item.KnowledgeBaseId ??= kb;
        item.Correction = correction;
        item.QaPairId = pair.Id;
        Resolve(item, ReviewStatus.Corrected);
        audit.Record("review.corrected", item.Id.ToString(), new { item.MessageId, qaPairId = pair.Id, knowledgeBaseId = kb });
        await db.SaveChangesAsync(ct);
        return pair.Id;
    }

    /// <summary>Marks one of the answer's cited chunks as wrong; retrieval leaves flagged chunks out.</summary>
    public async Task MarkWrongChunkAsync(Guid itemId, long chunkId, CancellationToken ct)
    {
        ReviewQueue.RequireReviewer(tenant);
        var item = await db.ReviewItems.SingleOrDefaultAsync(i => i.Id == itemId, ct) ?? throw PortalException.NotFound("The review item");
        var answer = await db.Messages.AsNoTracking().SingleAsync(m => m.Id == item.MessageId, ct);
        if (!ReviewFlags.CitedChunkIds(answer.Citations).Contains(chunkId))
            throw PortalException.Invalid("'chunkId' must be one of the chunks this answer cites.");
        if (!await db.ChunkFlags.AnyAsync(f => f.ChunkId == chunkId, ct) && await db.Chunks.AnyAsync(c => c.Id == chunkId, ct))
            db.ChunkFlags.Add(new ChunkFlag { TenantId = tenant.RequiredTenantId, ChunkId = chunkId, ReviewItemId = item.Id, MarkedBy = tenant.Actor });
        audit.Record("review.chunk-flagged", item.Id.ToString(), new { item.MessageId, chunkId });
        await db.SaveChangesAsync(ct);
    }

    private async Task ResolveAsync(Guid itemId, ReviewStatus status, string action, CancellationToken ct)
    {
        var item = await OpenItemAsync(itemId, ct);
        Resolve(item, status);
        audit.Record(action, item.Id.ToString(), new { item.MessageId });
        await db.SaveChangesAsync(ct);
    }

    private void Resolve(ReviewItem item, ReviewStatus status)
    {
        item.Status = status;
        item.ResolvedBy = tenant.Actor;
        item.ResolvedAt = DateTimeOffset.UtcNow;
    }

    private async Task<ReviewItem> OpenItemAsync(Guid itemId, CancellationToken ct)
    {
        ReviewQueue.RequireReviewer(tenant);
        var item = await db.ReviewItems.SingleOrDefaultAsync(i => i.Id == itemId, ct) ?? throw PortalException.NotFound("The review item");
        return item.Status == ReviewStatus.Open ? item
            : throw PortalException.Conflict("already-resolved", $"The item was already {item.Status.ToString().ToLowerInvariant()}.");
    }

    private async Task<Guid?> SoleKnowledgeBaseAsync(CancellationToken ct)
    {
        var kbs = await db.KnowledgeBases.Select(k => k.Id).Take(2).ToListAsync(ct);
        return kbs is [var only] ? only : null;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
