using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;

namespace Portal.Search;

/// <summary>
/// Nearest chunks by cosine distance over the HNSW index. Filters (tenant by row-level security,
/// knowledge base, document, metadata) would starve a plain HNSW scan when the tenant is a small
/// part of a shared index; pgvector 0.8's iterative scan keeps walking the graph until LIMIT rows
/// pass the filters (bounded by <c>hnsw.max_scan_tuples</c>).
/// </summary>
internal static class VectorLeg
{
    public static async Task<List<LegHit>> SearchAsync(PortalDbContext db, IReadOnlyList<VectorGeneration> generations,
        float[] query, SearchFilters filters, int pool, int efSearch, int maxScanTuples, CancellationToken ct)
    {
        if (generations.Count == 0) return [];
        var dims = generations[0].Dims;
        if (generations.Any(g => g.Dims != dims || g.ModelId != generations[0].ModelId))
            throw new ArgumentException("One vector query searches one embedding space.", nameof(generations));

        await using (var settings = SearchSql.Command(db, """
            SELECT set_config('hnsw.ef_search', @ef, true),
                   set_config('hnsw.iterative_scan', 'relaxed_order', true),
                   set_config('hnsw.max_scan_tuples', @max_scan, true)
            """))
        {
            settings.Parameters.AddWithValue("ef", efSearch.ToString(CultureInfo.InvariantCulture));
            settings.Parameters.AddWithValue("max_scan", maxScanTuples.ToString(CultureInfo.InvariantCulture));
            await settings.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = SearchSql.Command(db, "");
        // ORDER BY the distance expression itself, with the index's exact cast and predicate, or the
        // HNSW index is skipped. relaxed_order may return rows slightly out of order, so the outer
        // query sorts the materialised candidates again (ties by chunk id, for determinism).
        var dimsLiteral = dims.ToString(CultureInfo.InvariantCulture);
        cmd.CommandText = $"""
            WITH nearest AS MATERIALIZED (
                SELECT v.chunk_id, (v.embedding::vector({dimsLiteral})) <=> @q::vector({dimsLiteral}) AS distance
                FROM search_vectors v
                JOIN chunks c ON c.id = v.chunk_id
                JOIN documents d ON d.id = c.document_id AND d.active_version = c.document_version
                WHERE v.dims = {dimsLiteral} AND v.generation_id = ANY(@generations){SqlFilters.Where(filters, cmd)}
                ORDER BY (v.embedding::vector({dimsLiteral})) <=> @q::vector({dimsLiteral})
                LIMIT @pool)
            SELECT chunk_id, distance FROM nearest ORDER BY distance, chunk_id
            """;
        cmd.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Text) { Value = VectorText.Format(query) });
        cmd.Parameters.Add(new NpgsqlParameter("generations", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = generations.Select(g => g.Id).ToArray() });
        cmd.Parameters.AddWithValue("pool", pool);

        var hits = new List<LegHit>(pool);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hits.Add(new LegHit(reader.GetInt64(0), hits.Count + 1, 1 - reader.GetDouble(1), []));
        return hits;
    }
}
