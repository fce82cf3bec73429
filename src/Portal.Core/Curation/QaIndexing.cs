using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Chat;
using Portal.Data;
using Portal.Documents;
using Portal.Search.Analysis;

namespace Portal.Curation;

/// <summary>
/// Keeps QA pairs searchable: each pair is one chunk ("Q: …\nA: …", source type <c>qa</c>,
/// <c>chunks.qa_pair_id</c> set) of the knowledge base's "Curated answers" document, created on
/// first use, and passes through every registered <see cref="IChunkIndexer"/> like any other chunk.
/// Runs in the caller's tenant transaction.
/// </summary>
internal sealed class QaIndexing(PortalDbContext db, IEnumerable<IChunkIndexer> indexers)
{
    public const string DocumentFormat = "qa";

    public static string ChunkText(string question, string answer) => $"Q: {question}\nA: {answer}";

    /// <summary>Indexes new pairs and re-indexes edited ones.</summary>
    public async Task IndexAsync(Guid knowledgeBaseId, IReadOnlyList<QaPair> pairs, CancellationToken ct)
    {
        if (pairs.Count == 0) return;
        var document = await CuratedDocumentAsync(knowledgeBaseId, pairs[0].TenantId, ct);
        var ids = pairs.Select(p => p.Id).ToArray();
        var existing = await db.Chunks.Where(c => c.QaPairId != null && ids.Contains(c.QaPairId.Value)).ToListAsync(ct);
        if (existing.Count > 0)
        {
            await RemoveFromIndexesAsync(knowledgeBaseId, existing.Select(c => c.Id).ToList(), ct);
            db.Chunks.RemoveRange(existing);
            await db.SaveChangesAsync(ct);
        }
        var next = (await db.Chunks.Where(c => c.DocumentId == document.Id).MaxAsync(c => (int?)c.ChunkIndex, ct) ?? -1) + 1;
        var chunks = pairs.Select(p =>
        {
            var text = ChunkText(p.Question, p.Answer);
            return new Chunk
            {
                TenantId = p.TenantId, KnowledgeBaseId = knowledgeBaseId, DocumentId = document.Id, DocumentVersion = 1,
                ChunkIndex = next++, Text = text, CharStart = 0, CharEnd = text.Length, SourceName = CuratedAnswers.DocumentName,
                SourceType = CuratedAnswers.SourceType, Language = text.EnumerateRunes().Any(SearchAnalyzer.IsCjk) ? "zh" : "en",
                TokenCount = text.Length / 4 + 1, QaPairId = p.Id,
                ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            };
        }).ToList();
        db.Chunks.AddRange(chunks);
        await db.SaveChangesAsync(ct);
        foreach (var indexer in indexers) await indexer.IndexAsync(db, knowledgeBaseId, chunks, ct);
        await CountAsync(document.Id, ct);
    }

    public async Task RemoveAsync(Guid knowledgeBaseId, Guid qaPairId, CancellationToken ct)
    {
        var chunks = await db.Chunks.Where(c => c.QaPairId == qaPairId).ToListAsync(ct);
        if (chunks.Count == 0) return;
        await RemoveFromIndexesAsync(knowledgeBaseId, chunks.Select(c => c.Id).ToList(), ct);
        db.Chunks.RemoveRange(chunks);
        await db.SaveChangesAsync(ct);
        await CountAsync(chunks[0].DocumentId, ct);
    }

    private async Task RemoveFromIndexesAsync(Guid knowledgeBaseId, IReadOnlyCollection<long> chunkIds, CancellationToken ct)
    {
        foreach (var indexer in indexers) await indexer.RemoveAsync(db, knowledgeBaseId, chunkIds, ct);
    }

    private async Task<Document> CuratedDocumentAsync(Guid knowledgeBaseId, Guid tenantId, CancellationToken ct)
    {
        // Two first pairs saved at once must not create two "Curated answers" documents.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({knowledgeBaseId.ToString()}, 7))", ct);
        var document = await db.Documents.FirstOrDefaultAsync(d => d.KnowledgeBaseId == knowledgeBaseId && d.Format == DocumentFormat, ct);
        if (document is not null) return document;
        var id = Guid.CreateVersion7();
        document = new Document
        {
            Id = id, TenantId = tenantId, KnowledgeBaseId = knowledgeBaseId, Name = CuratedAnswers.DocumentName, Format = DocumentFormat,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(id.ToByteArray())), BlobKey = CuratedBlobKey(tenantId, knowledgeBaseId),
            Status = DocumentStatus.Indexed, ActiveVersion = 1, BuildingVersion = 1, ChunkCount = 0, CreatedBy = "system:curation",
        };
        db.Documents.Add(document);
        await db.SaveChangesAsync(ct);
        return document;
    }

    /// <summary>
    /// The curated document has no stored file, yet its key has the blob store's shape (<c>{tenant}/{xx}/{sha256}</c>) so
    /// every blob operation on it (delete after the document goes, the content download) reads it as absent instead of
    /// refusing the key. Migration 0020 gives older rows the same key.
    /// </summary>
    internal static string CuratedBlobKey(Guid tenantId, Guid knowledgeBaseId)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("curated-answers:" + knowledgeBaseId.ToString("D"))));
        return $"{tenantId:D}/{hash[..2]}/{hash}";
    }

    private Task CountAsync(Guid documentId, CancellationToken ct) =>
        db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s.SetProperty(d => d.ChunkCount,
            d => db.Chunks.Count(c => c.DocumentId == documentId)), ct);
}
