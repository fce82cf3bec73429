using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Documents;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// Writes the new version's chunks, hands them to every chunk indexer, then makes the version active
/// and removes the previous one, all in one transaction: search sees the old set or the new set,
/// never both and never neither, and a crash before the commit leaves nothing behind.
/// </summary>
internal sealed class IndexStep(PortalDbContext db, IEnumerable<IChunkIndexer> indexers, TimeProvider time) : IIngestionStep
{
    public string Name => "index";
    public DocumentStatus Status => DocumentStatus.Indexing;

    public async Task<StepResult> ExecuteAsync(IngestionContext context, CancellationToken ct)
    {
        var drafts = context.Drafts ?? throw new InvalidOperationException("Index runs after Chunk.");
        var started = time.GetTimestamp();
        await using var tx = await db.BeginTenantTransactionAsync(context.TenantId, ct);
        // The row lock orders this switch against a concurrent re-index or delete of the same document.
        var current = await db.Documents.FromSql($"SELECT * FROM documents WHERE id = {context.DocumentId} FOR UPDATE")
            .AsNoTracking().SingleOrDefaultAsync(ct);
        if (current is null || current.BuildingVersion != context.Version || current.Status is DocumentStatus.Indexed or DocumentStatus.Failed)
            return StepResult.Superseded();

        var rows = JsonSerializer.Serialize(drafts.Select(d => new
        {
            chunk_index = d.Index, text = d.Text, char_start = d.StartOffset, char_end = d.EndOffset, page = d.Page,
            end_page = d.PageEnd, heading_path = d.HeadingPath, language = d.Language, is_ocr = d.IsOcr,
            token_count = d.TokenCount, content_hash = d.ContentHash, source_type = d.SourceFormat.ToString().ToLowerInvariant(),
        }));
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO chunks (tenant_id, knowledge_base_id, document_id, document_version, chunk_index, text, char_start, char_end,
                                page, end_page, heading_path, source_name, source_type, language, is_ocr, token_count, content_hash)
            SELECT @tenant, @kb, @doc, @version, r.chunk_index, r.text, r.char_start, r.char_end, r.page, r.end_page,
                   coalesce(r.heading_path, ARRAY[]::text[]), @name, r.source_type, r.language, r.is_ocr, r.token_count, r.content_hash
            FROM jsonb_to_recordset(@rows) AS r(chunk_index int, text text, char_start int, char_end int, page int, end_page int,
                 heading_path text[], source_type text, language text, is_ocr boolean, token_count int, content_hash text)
            ON CONFLICT (document_id, document_version, chunk_index) DO NOTHING
            """,
            [
                new NpgsqlParameter("tenant", context.TenantId), new NpgsqlParameter("kb", context.KnowledgeBaseId),
                new NpgsqlParameter("doc", context.DocumentId), new NpgsqlParameter("version", context.Version),
                new NpgsqlParameter("name", context.Name), new NpgsqlParameter("rows", NpgsqlDbType.Jsonb) { Value = rows },
            ], ct);

        var chunks = await db.Chunks.AsNoTracking()
            .Where(c => c.DocumentId == context.DocumentId && c.DocumentVersion == context.Version)
            .OrderBy(c => c.ChunkIndex).ToListAsync(ct);
        foreach (var indexer in indexers)
            await indexer.IndexAsync(db, context.KnowledgeBaseId, chunks, ct);

        var stale = await db.Chunks.Where(c => c.DocumentId == context.DocumentId && c.DocumentVersion != context.Version)
            .Select(c => c.Id).ToListAsync(ct);
        if (stale.Count > 0)
        {
            foreach (var indexer in indexers)
                await indexer.RemoveAsync(db, context.KnowledgeBaseId, stale, ct);
            await db.Chunks.Where(c => c.DocumentId == context.DocumentId && c.DocumentVersion != context.Version).ExecuteDeleteAsync(ct);
        }

        context.Timings[Name] = (long)time.GetElapsedTime(started).TotalMilliseconds;
        context.Timings["total"] = context.Total.ElapsedMilliseconds;
        var timings = JsonSerializer.Serialize(new
        {
            parseMs = context.Timings.GetValueOrDefault("parse"), chunkMs = context.Timings.GetValueOrDefault("chunk"),
            indexMs = context.Timings[Name], totalMs = context.Timings["total"],
        });
        await db.Database.ExecuteSqlAsync($"""
            UPDATE documents SET status = 'Indexed', active_version = {context.Version}, chunk_count = {chunks.Count},
                page_count = {context.Parsed?.PageCount}, error = NULL, error_reason = NULL, finished_at = now(),
                timings = {timings}::jsonb
            WHERE id = {context.DocumentId}
            """, ct);
        await tx.CommitAsync(ct);
        return StepResult.Success;
    }
}
