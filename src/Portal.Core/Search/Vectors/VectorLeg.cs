using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;

namespace Portal.Search;

/// <summary>
/// Nearest chunks by cosine distance over the HNSW index. Filters (tenant by row-level security,
/// generation, knowledge base, document, metadata) would starve a plain HNSW scan when the tenant is
/// a small part of a shared index; pgvector 0.8's iterative scan keeps walking the graph until LIMIT
/// rows pass the filters (bounded by <c>hnsw.max_scan_tuples</c>).
/// </summary>
internal static class VectorLeg
{
    public static async Task<List<LegHit>> SearchAsync(PortalDbContext db, IReadOnlyList<VectorGeneration> generations,
        float[] query, SearchFilters filters, int pool, int efSearch, int maxScanTuples, CancellationToken ct)
    {
        if (generations.Count == 0) return [];
        await ConfigureAsync(db, efSearch, maxScanTuples, ct);
        await using var cmd = Command(db, generations, query, filters, pool);
        var hits = new List<LegHit>(pool);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hits.Add(new LegHit(reader.GetInt64(0), hits.Count + 1, 1 - reader.GetDouble(1), []));
        return hits;
    }

    /// <summary>Sets the scan's knobs for this transaction only (set_config(…, true) is SET LOCAL).</summary>
    public static async Task ConfigureAsync(PortalDbContext db, int efSearch, int maxScanTuples, CancellationToken ct)
    {
        await using var settings = SearchSql.Command(db, """
            SELECT set_config('hnsw.ef_search', @ef, true),
                   set_config('hnsw.iterative_scan', 'relaxed_order', true),
                   set_config('hnsw.max_scan_tuples', @max_scan, true)
            """);
        settings.Parameters.AddWithValue("ef", efSearch.ToString(CultureInfo.InvariantCulture));
        settings.Parameters.AddWithValue("max_scan", maxScanTuples.ToString(CultureInfo.InvariantCulture));
        await settings.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The query itself; the benchmark runs it under EXPLAIN (ANALYZE) to show the index is used.</summary>
    public static NpgsqlCommand Command(PortalDbContext db, IReadOnlyList<VectorGeneration> generations, float[] query, SearchFilters filters, int pool)
    {
        var dims = generations[0].Dims;
        if (generations.Any(g => g.Dims != dims || g.ModelId != generations[0].ModelId))
            throw new ArgumentException("One vector query searches one embedding space.", nameof(generations));
        var cmd = SearchSql.Command(db, "");
        // The scan is on search_vectors alone, ORDER BY the distance expression with the index's exact
        // cast and predicate, so it stays an HNSW index scan: a join to chunks here lets the planner
        // sort an exact scan instead. Whether the chunk is live (active document version) and passes
        // the filters is a per-row EXISTS filter; OFFSET 0 stops the planner turning it into a join.
        // The iterative scan then keeps walking until LIMIT rows pass. relaxed_order may return rows
        // slightly out of order, so the outer query sorts the candidates again (ties by chunk id).
        var d = dims.ToString(CultureInfo.InvariantCulture);
        cmd.CommandText = $"""
            WITH nearest AS MATERIALIZED (
                SELECT v.chunk_id, (v.embedding::vector({d})) <=> @q::vector({d}) AS distance
                FROM search_vectors v
                WHERE v.dims = {d} AND v.generation_id = ANY(@generations)
                  AND EXISTS (SELECT 1 FROM chunks c
                              JOIN documents d ON d.id = c.document_id AND d.active_version = c.document_version
                              WHERE c.id = v.chunk_id{SqlFilters.Where(filters, cmd)} OFFSET 0)
                ORDER BY (v.embedding::vector({d})) <=> @q::vector({d})
                LIMIT @pool)
            SELECT chunk_id, distance FROM nearest ORDER BY distance, chunk_id
            """;
        cmd.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Text) { Value = VectorText.Format(query) });
        cmd.Parameters.Add(new NpgsqlParameter("generations", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = generations.Select(g => g.Id).ToArray() });
        cmd.Parameters.AddWithValue("pool", pool);
        return cmd;
    }
}
