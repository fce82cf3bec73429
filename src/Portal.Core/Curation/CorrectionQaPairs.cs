using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Documents;

namespace Portal.Curation;

/// <summary>
/// Stores a curated answer and indexes it as a chunk of the knowledge base's "Curated answers"
/// document, so retrieval finds it like any other chunk. The chat feature owns QA pairs; this is the
/// least the review queue needs until its QA-pair service takes over, and it follows the same layout
/// (chunks.qa_pair_id links a chunk back to its pair).
/// </summary>
public sealed class CorrectionQaPairs(IEnumerable<IChunkIndexer> indexers)
{
    public const string CuratedDocumentName = "Curated answers";

    /// <summary>Runs in the caller's tenant transaction.</summary>
    public async Task<QaPair> AddAsync(PortalDbContext db, Guid tenantId, Guid knowledgeBaseId, string question, string answer,
        QaSource source, string createdBy, CancellationToken ct)
    {
        var pair = new QaPair
        {
            Id = Guid.CreateVersion7(), TenantId = tenantId, KnowledgeBaseId = knowledgeBaseId,
            Question = question, Answer = answer, Source = source, CreatedBy = createdBy,
        };
        db.QaPairs.Add(pair);
        var document = await CuratedDocumentAsync(db, tenantId, knowledgeBaseId, ct);
        var next = await db.Chunks.Where(c => c.DocumentId == document.Id).MaxAsync(c => (int?)c.ChunkIndex, ct) ?? -1;
        var text = $"{question}\n\n{answer}";
        var chunk = new Chunk
        {
            TenantId = tenantId, KnowledgeBaseId = knowledgeBaseId, DocumentId = document.Id, DocumentVersion = 1,
            ChunkIndex = next + 1, Text = text, CharStart = 0, CharEnd = text.Length, HeadingPath = [question],
            SourceName = CuratedDocumentName, SourceType = "qa", Language = "und", TokenCount = text.Length / 4 + 1,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), QaPairId = pair.Id,
        };
        db.Chunks.Add(chunk);
        document.ChunkCount = next + 2;
        await db.SaveChangesAsync(ct);
        foreach (var indexer in indexers) await indexer.IndexAsync(db, knowledgeBaseId, [chunk], ct);
        return pair;
    }

    private static async Task<Document> CuratedDocumentAsync(PortalDbContext db, Guid tenantId, Guid knowledgeBaseId, CancellationToken ct)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("curated-answers:" + knowledgeBaseId)));
        var existing = await db.Documents.SingleOrDefaultAsync(d => d.KnowledgeBaseId == knowledgeBaseId && d.ContentHash == hash, ct);
        if (existing is not null) return existing;
        var document = new Document
        {
            Id = Guid.CreateVersion7(), TenantId = tenantId, KnowledgeBaseId = knowledgeBaseId, Name = CuratedDocumentName,
            Format = "qa", ContentHash = hash, BlobKey = $"curated/{knowledgeBaseId}", Status = DocumentStatus.Indexed,
            ActiveVersion = 1, CreatedBy = "system", FinishedAt = DateTimeOffset.UtcNow,
        };
        db.Documents.Add(document);
        return document;
    }
}
