using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Documents;

namespace Portal.Documents.Ingestion;

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

        List<Chunk> fresh = [.. drafts.Select(d => ChunkOf(context, d)).OrderBy(c => c.ChunkIndex)];
        var rows = JsonSerializer.Serialize(fresh.Select(c => new
        {
            chunk_index = c.ChunkIndex, text = c.Text, char_start = c.CharStart, char_end = c.CharEnd, page = c.Page,
            end_page = c.EndPage, heading_path = c.HeadingPath, language = c.Language, is_ocr = c.IsOcr,
            token_count = c.TokenCount, content_hash = c.ContentHash, source_type = c.SourceType,
        }));
        // The new rows' ids come back with the insert, so the chunks need not be read again. A step that runs a
        // second time finds its rows there already (ON CONFLICT DO NOTHING returns nothing for them) and reads them.
        var ids = new Dictionary<int, long>();
        await using (var insert = Portal.Search.SearchSql.Command(db, """
            INSERT INTO chunks (tenant_id, knowledge_base_id, document_id, document_version, chunk_index, text, char_start, char_end,
                                page, end_page, heading_path, source_name, source_type, language, is_ocr, token_count, content_hash)
            SELECT @tenant, @kb, @doc, @version, r.chunk_index, r.text, r.char_start, r.char_end, r.page, r.end_page,
                   coalesce(r.heading_path, ARRAY[]::text[]), @name, r.source_type, r.language, r.is_ocr, r.token_count, r.content_hash
            FROM jsonb_to_recordset(@rows) AS r(chunk_index int, text text, char_start int, char_end int, page int, end_page int,
                 heading_path text[], source_type text, language text, is_ocr boolean, token_count int, content_hash text)
            ON CONFLICT (document_id, document_version, chunk_index) DO NOTHING
            RETURNING chunk_index, id
            """))
        {
            insert.Parameters.AddWithValue("tenant", context.TenantId);
            insert.Parameters.AddWithValue("kb", context.KnowledgeBaseId);
            insert.Parameters.AddWithValue("doc", context.DocumentId);
            insert.Parameters.AddWithValue("version", context.Version);
            insert.Parameters.AddWithValue("name", context.Name);
            insert.Parameters.Add(new NpgsqlParameter("rows", NpgsqlDbType.Jsonb) { Value = rows });
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) ids[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        foreach (var chunk in fresh) chunk.Id = ids.GetValueOrDefault(chunk.ChunkIndex);
        var chunks = ids.Count == fresh.Count
            ? fresh
            : await db.Chunks.AsNoTracking()
                .Where(c => c.DocumentId == context.DocumentId && c.DocumentVersion == context.Version)
                .OrderBy(c => c.ChunkIndex).ToListAsync(ct);
        var parts = new Dictionary<string, long> { ["writeMs"] = (long)time.GetElapsedTime(started).TotalMilliseconds };
        foreach (var indexer in indexers)
        {
            var indexerStarted = time.GetTimestamp();
            await indexer.IndexAsync(db, context.KnowledgeBaseId, chunks, ct);
            parts[indexer.GetType().Name.Replace("Indexer", "", StringComparison.Ordinal).ToLowerInvariant() + "Ms"] =
                (long)time.GetElapsedTime(indexerStarted).TotalMilliseconds;
        }

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
            indexMs = context.Timings[Name], totalMs = context.Timings["total"], index = parts,
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

    /// <summary>The row a draft becomes (its id is the database's, filled in after the insert).</summary>
    private static Chunk ChunkOf(IngestionContext context, Portal.Documents.Chunking.ChunkDraft d) => new()
    {
        TenantId = context.TenantId, KnowledgeBaseId = context.KnowledgeBaseId, DocumentId = context.DocumentId,
        DocumentVersion = context.Version, ChunkIndex = d.Index, Text = d.Text, CharStart = d.StartOffset, CharEnd = d.EndOffset,
        Page = d.Page, EndPage = d.PageEnd, HeadingPath = [.. d.HeadingPath], SourceName = context.Name,
        SourceType = d.SourceFormat.ToString().ToLowerInvariant(), Language = d.Language, IsOcr = d.IsOcr,
        TokenCount = d.TokenCount, ContentHash = d.ContentHash,
    };
}
