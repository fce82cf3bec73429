using Portal.Data;

namespace Portal.Documents;

/// <summary>
/// An index over chunks (the keyword index, the vector index). The ingestion pipeline calls every
/// registered indexer at its Indexing step, inside the document's tenant transaction, before the new
/// version becomes active; deleting a document or switching versions calls <see cref="RemoveAsync"/>.
/// Implementations must be idempotent: indexing the same chunks twice leaves one entry per chunk.
/// </summary>
public interface IChunkIndexer
{
    Task IndexAsync(PortalDbContext db, Guid knowledgeBaseId, IReadOnlyList<Chunk> chunks, CancellationToken ct);
    Task RemoveAsync(PortalDbContext db, Guid knowledgeBaseId, IReadOnlyCollection<long> chunkIds, CancellationToken ct);
}
