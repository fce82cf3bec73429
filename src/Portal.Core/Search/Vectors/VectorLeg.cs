using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;

namespace Portal.Search;

/// <summary>
/// Nearest chunks by cosine distance. Each distinct vector is stored once per generation
/// (<c>search_embeddings</c>, migration 0014, partitioned by knowledge base with a graph per
/// partition) and the leg expands every vector it finds to the live chunks that carry it. Queries
/// name the knowledge bases (<c>knowledge_base_id = ANY(@kbs)</c>) so only their partitions are read. Two plans, chosen by the size of the knowledge bases searched:
/// <list type="bullet">
/// <item>up to <see cref="SearchOptions.ExactVectorScanMaxChunks"/> chunks, an exact scan: every
/// vector of the generation is compared, sorted, and liveness and filters are checked in distance
/// order until the pool is full. Exact, and cheap for a small knowledge base in a large shared index
/// (a graph walk would mostly visit other knowledge bases' vectors).</item>
/// <item>above it, the HNSW index. Filters (tenant by row-level security, generation, liveness and the
/// request's filters) would starve a plain HNSW scan; pgvector 0.8's iterative scan keeps walking
/// until LIMIT vectors pass them (bounded by <c>hnsw.max_scan_tuples</c>).</item>
/// </list>
/// </summary>
internal static class VectorLeg
{
    public static async Task<List<LegHit>> SearchAsync(PortalDbContext db, IReadOnlyList<VectorGeneration> generations,
        float[] query, SearchFilters filters, int pool, int efSearch, int maxScanTuples, int exactScanMaxChunks, CancellationToken ct)
    {
        if (generations.Count == 0) return [];
        var chunks = await ConfigureAsync(db, generations, efSearch, maxScanTuples, ct);
        await using var cmd = Command(db, generations, query, filters, pool, exact: chunks <= exactScanMaxChunks);
        var hits = new List<LegHit>(pool);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // A chunk with no word in it is stored as a zero vector; its distance to anything is NaN, not a rank.
            if (reader.IsDBNull(1) || !double.IsFinite(reader.GetDouble(1))) continue;
            hits.Add(new LegHit(reader.GetInt64(0), hits.Count + 1, 1 - reader.GetDouble(1), []));
        }
        return hits;
    }

    /// <summary>
    /// Sets the scan's knobs for this transaction only (set_config(…, true) is SET LOCAL) and returns
    /// how many chunks the generations' knowledge bases hold (the keyword index's count), which picks the plan.
    /// </summary>
    public static async Task<long> ConfigureAsync(PortalDbContext db, IReadOnlyList<VectorGeneration> generations, int efSearch, int maxScanTuples, CancellationToken ct)
    {
        await using var settings = SearchSql.Command(db, """
            SELECT set_config('hnsw.ef_search', @ef, true),
                   set_config('hnsw.iterative_scan', 'relaxed_order', true),
                   set_config('hnsw.max_scan_tuples', @max_scan, true),
                   (SELECT coalesce(sum(chunk_count), 0)::bigint FROM search_kb_stats WHERE knowledge_base_id = ANY(@kbs))
            """);
        settings.Parameters.AddWithValue("ef", efSearch.ToString(CultureInfo.InvariantCulture));
        settings.Parameters.AddWithValue("max_scan", maxScanTuples.ToString(CultureInfo.InvariantCulture));
        settings.Parameters.Add(new NpgsqlParameter("kbs", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = generations.Select(g => g.KnowledgeBaseId).ToArray() });
        await using var reader = await settings.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt64(3);
    }

    /// <summary>The query itself; the benchmark runs it under EXPLAIN (ANALYZE) to show which plan each size gets.</summary>
    public static NpgsqlCommand Command(PortalDbContext db, IReadOnlyList<VectorGeneration> generations, float[] query, SearchFilters filters, int pool, bool exact)
    {
        var dims = generations[0].Dims;
        if (generations.Any(g => g.Dims != dims || g.ModelId != generations[0].ModelId))
            throw new ArgumentException("One vector query searches one embedding space.", nameof(generations));
        var cmd = SearchSql.Command(db, "");
        var where = SqlFilters.Where(filters, cmd);
        var d = dims.ToString(CultureInfo.InvariantCulture);
        // A vector counts when at least one live chunk (active document version) that passes the
        // filters carries it. OFFSET 0 keeps this EXISTS a per-row filter instead of a join.
        string Carried(string e) => $"""
            EXISTS (SELECT 1 FROM search_vectors v
                    JOIN chunks c ON c.id = v.chunk_id
                    JOIN documents d ON d.id = c.document_id AND d.active_version = c.document_version
                    WHERE v.embedding_id = {e}.id AND v.generation_id = {e}.generation_id{where} OFFSET 0)
            """;
        var nearest = exact
            // Exact: the distance without the index's cast cannot use the HNSW index; the sorted
            // subquery (OFFSET 0 keeps it whole) is read in order and the EXISTS runs only until
            // LIMIT vectors pass, not once per vector of the generation.
            ? $"""
               SELECT s.id, s.distance FROM (
                   SELECT e.id, e.generation_id, e.embedding <=> @q::halfvec AS distance
                   FROM search_embeddings e
                   WHERE e.knowledge_base_id = ANY(@kbs) AND e.generation_id = ANY(@generations)
                   ORDER BY distance, e.id OFFSET 0) s
               WHERE {Carried("s")}
               LIMIT @pool
               """
            // HNSW: search_embeddings alone, ORDER BY the distance expression with the index's exact
            // cast and predicate, so it stays an index scan; a join here lets the planner sort an
            // exact scan instead. relaxed_order may return rows slightly out of order; the outer
            // query sorts again.
            : $"""
               SELECT e.id, (e.embedding::halfvec({d})) <=> @q::halfvec({d}) AS distance
               FROM search_embeddings e
               WHERE e.dims = {d} AND e.knowledge_base_id = ANY(@kbs) AND e.generation_id = ANY(@generations) AND {Carried("e")}
               ORDER BY (e.embedding::halfvec({d})) <=> @q::halfvec({d})
               LIMIT @pool
               """;
        // Each vector found stands for every live chunk that carries it (ties by chunk id).
        cmd.CommandText = $"""
            WITH nearest AS MATERIALIZED (
            {nearest})
            SELECT v.chunk_id, n.distance FROM nearest n
            JOIN search_vectors v ON v.embedding_id = n.id
            JOIN chunks c ON c.id = v.chunk_id
            JOIN documents d ON d.id = c.document_id AND d.active_version = c.document_version
            WHERE v.generation_id = ANY(@generations){where}
            ORDER BY n.distance, v.chunk_id
            LIMIT @pool
            """;
        cmd.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Text) { Value = VectorText.Format(query) });
        cmd.Parameters.Add(new NpgsqlParameter("generations", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = generations.Select(g => g.Id).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("kbs", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = generations.Select(g => g.KnowledgeBaseId).ToArray() });
        cmd.Parameters.AddWithValue("pool", pool);
        return cmd;
    }
}
