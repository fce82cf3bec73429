using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Portal.Search;
using Portal.Search.Analysis;
using Portal.Search.Embeddings;
using Portal.Search.Keyword;

namespace Portal.Bench.Retrieval;

/// <summary>
/// N chunks over 50 tenants (one tenant 20 %, 49 sharing the rest), 30 % CMRC windows and 70 %
/// synthetic English. Bulk-loaded with COPY (postings and vectors computed by the product's own
/// analyzer and embedder), indexes built after the load; then latency, recall and the peers.
/// </summary>
internal static class Scale
{
    private static readonly string[] Vocabulary = MakeVocabulary();

    /// <summary>
    /// The build parameters of migration 0014's HNSW index; the benchmark rebuilds it with the same unless
    /// HNSW_M / HNSW_EF_CONSTRUCTION say otherwise (to measure a candidate for a new migration).
    /// </summary>
    private static readonly int HnswM = int.Parse(Environment.GetEnvironmentVariable("HNSW_M") ?? "24"),
        HnswEfConstruction = int.Parse(Environment.GetEnvironmentVariable("HNSW_EF_CONSTRUCTION") ?? "128");

    public static IEnumerable<string> Synthetic(Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var words = new List<string>();
            var length = 0;
            while (length < 200)
            {
                // Zipf-like: a few frequent words, a long tail.
                var w = Vocabulary[(int)(Math.Pow(random.NextDouble(), 2.5) * Vocabulary.Length)];
                words.Add(w);
                length += w.Length + 1;
            }
            yield return string.Join(' ', words);
        }
    }

    public static async Task RunAsync(int total)
    {
        var random = new Random(42);
        var cmrc = Cmrc.Load();
        var cmrcWindows = cmrc.SelectMany(p => Cmrc.Windows(p.Text)).ToList();
        var tenants = Enumerable.Range(0, 50).Select(_ => Guid.CreateVersion7()).ToArray();
        var sizes = Enumerable.Range(0, 50).Select(i => i == 0 ? total / 5 : (total - total / 5) / 49 + (i <= (total - total / 5) % 49 ? 1 : 0)).ToArray();
        await using var bench = await BenchDatabase.CreateAsync("scale");
        var embedder = new HashedNgramEmbedder();
        Console.WriteLine($"scale: {total:N0} chunks, tenants {sizes[0]:N0} + 49 × ~{sizes[1]:N0}");

        var reuse = Environment.GetEnvironmentVariable("BENCH_REUSE_DB");
        var bigTenantVectors = new List<(long Id, float[] V)>();
        var vector = new float[384];
        if (reuse is not null)
        {
            // Latency, plans and recall again on a database an earlier run kept (BENCH_KEEP_DB=1): the same
            // random draws are replayed, so tenants, the big tenant's vectors and the queries are the same.
            await using var admin = new NpgsqlConnection(bench.Admin);
            await admin.OpenAsync();
            await using (var cmd = new NpgsqlCommand("SELECT tenant_id FROM search_vector_generations ORDER BY id", admin))
            await using (var r = await cmd.ExecuteReaderAsync())
                for (var t = 0; await r.ReadAsync(); t++) tenants[t] = r.GetGuid(0);
            for (var t = 0; t < tenants.Length; t++)
            {
                var texts = Enumerable.Range(0, sizes[t]).Select(_ => random.NextDouble() < 0.3 ? cmrcWindows[random.Next(cmrcWindows.Count)] : null).ToList();
                var synthetic = Synthetic(random, texts.Count(x => x is null)).GetEnumerator();
                for (var i = 0; i < texts.Count; i++) if (texts[i] is null) { synthetic.MoveNext(); texts[i] = synthetic.Current; }
                if (t == 0) for (var i = 0; i < texts.Count; i++) bigTenantVectors.Add((i + 1, embedder.Embed(texts[i]!)));
            }
            Console.WriteLine($"reusing {reuse}");
        }
        else
        {
            var load = Stopwatch.StartNew();
            await using var conn = new NpgsqlConnection(bench.Admin);
            await conn.OpenAsync();
            // Indexes are built after the load, as a bulk import should.
            await Exec(conn, "DROP INDEX ix_search_embeddings_hnsw_384; DROP INDEX ix_search_keyword_chunks_terms"); // drops the partitions' indexes too
            await Exec(conn, "INSERT INTO tenants (id, name) SELECT id, 'bench' FROM unnest(@t) id; " +
                             "INSERT INTO knowledge_bases (id, tenant_id, name) SELECT id, id, 'kb' FROM unnest(@t) id; " +
                             "INSERT INTO search_vector_generations (tenant_id, knowledge_base_id, model_id, dims, state) " +
                             "SELECT id, id, 'hashed-ngram/v2/d384', 384, 'active' FROM unnest(@t) WITH ORDINALITY AS x(id, n) ORDER BY n", tenants);
            // Tenant i's knowledge base id is its tenant id; generation ids are 1..50 in tenant order.
            long chunkId = 0, embeddingId = 0;
            for (var t = 0; t < tenants.Length; t++)
            {
                var tenant = tenants[t];
                var texts = Enumerable.Range(0, sizes[t]).Select(_ => random.NextDouble() < 0.3 ? cmrcWindows[random.Next(cmrcWindows.Count)] : null).ToList();
                var synthetic = Synthetic(random, texts.Count(x => x is null)).GetEnumerator();
                for (var i = 0; i < texts.Count; i++) if (texts[i] is null) { synthetic.MoveNext(); texts[i] = synthetic.Current; }
                var docs = Enumerable.Range(0, (texts.Count + 99) / 100).Select(_ => Guid.CreateVersion7()).ToArray();
                // A binary import disposed without CompleteAsync is rolled back.
                await using (var w = await conn.BeginBinaryImportAsync("COPY documents (id, tenant_id, knowledge_base_id, name, format, size_bytes, content_hash, blob_key, status, active_version, created_by) FROM STDIN BINARY"))
                {
                    foreach (var d in docs)
                        await w.WriteRowAsync(default, d, tenant, tenant, "doc", "text", 0L, d.ToString("N") + d.ToString("N"), "b", "Indexed", 1, "bench");
                    await w.CompleteAsync();
                }
                var first = chunkId + 1;
                await using (var w = await conn.BeginBinaryImportAsync("COPY chunks (tenant_id, knowledge_base_id, document_id, document_version, chunk_index, text, char_start, char_end, source_name, source_type, language, token_count, content_hash) FROM STDIN BINARY"))
                {
                    for (var i = 0; i < texts.Count; i++)
                        await w.WriteRowAsync(default, tenant, tenant, docs[i / 100], 1, i % 100, texts[i]!, 0, texts[i]!.Length, "doc", "text", "zh", 50, "h");
                    await w.CompleteAsync();
                }
                var df = new Dictionary<string, int>();
                long totalLength = 0;
                await using (var keyword = await conn.BeginTextImportAsync("COPY search_keyword_chunks (chunk_id, tenant_id, knowledge_base_id, length, terms) FROM STDIN"))
                {
                    for (var i = 0; i < texts.Count; i++)
                    {
                        var terms = KeywordTerms.Of(texts[i]);
                        totalLength += terms.Length;
                        foreach (var term in terms.Frequencies.Keys) df[term] = df.GetValueOrDefault(term) + 1;
                        await keyword.WriteLineAsync($"{first + i}\t{tenant}\t{tenant}\t{terms.Length}\t{terms.ToTsVector()}");
                    }
                }
                await using (var w = await conn.BeginBinaryImportAsync("COPY search_term_stats (tenant_id, knowledge_base_id, term, df) FROM STDIN BINARY"))
                {
                    foreach (var (term, count) in df) await w.WriteRowAsync(default, tenant, tenant, term, count);
                    await w.CompleteAsync();
                }
                await Exec(conn, $"INSERT INTO search_kb_stats VALUES ('{tenant}', '{tenant}', {texts.Count}, {totalLength})");
                // As VectorIndexer writes them: each distinct vector once per generation, every chunk mapped to one.
                var distinct = new Dictionary<string, long>();
                var mapping = new long[texts.Count];
                await using (var w = await conn.BeginTextImportAsync("COPY search_embeddings (id, generation_id, tenant_id, knowledge_base_id, dims, vector_hash, embedding) FROM STDIN"))
                {
                    for (var i = 0; i < texts.Count; i++)
                    {
                        embedder.Embed(texts[i]!, vector);
                        if (t == 0) bigTenantVectors.Add((first + i, (float[])vector.Clone()));
                        var hash = HalfVectorHash.Of(vector);
                        var key = Convert.ToHexString(hash);
                        if (!distinct.TryGetValue(key, out var id))
                        {
                            distinct[key] = id = ++embeddingId;
                            await w.WriteLineAsync($"{id}\t{t + 1}\t{tenant}\t{tenant}\t384\t\\\\x{key}\t{VectorText.Format(vector)}");
                        }
                        mapping[i] = id;
                    }
                }
                await using (var w = await conn.BeginBinaryImportAsync("COPY search_vectors (generation_id, chunk_id, tenant_id, knowledge_base_id, embedding_id) FROM STDIN BINARY"))
                {
                    for (var i = 0; i < texts.Count; i++) await w.WriteRowAsync(default, (long)(t + 1), first + i, tenant, tenant, mapping[i]);
                    await w.CompleteAsync();
                }
                if (t == 0) Console.WriteLine($"tenant 0: {texts.Count:N0} chunks, {distinct.Count:N0} distinct vectors");
                chunkId += texts.Count;
            }
            await Exec(conn, $"SELECT setval('search_embeddings_id_seq', {embeddingId})");
            Console.WriteLine($"distinct vectors: {embeddingId:N0} of {chunkId:N0} chunks");
            Console.WriteLine($"load (COPY, analysis and embedding included): {load.Elapsed.TotalSeconds:F0} s");
            var build = Stopwatch.StartNew();
            await Exec(conn, "SET maintenance_work_mem = '2GB'; SET max_parallel_maintenance_workers = 2; " +
                "CREATE INDEX ix_search_keyword_chunks_terms ON search_keyword_chunks USING gin (knowledge_base_id, terms)");
            Console.WriteLine($"GIN build (knowledge base, terms): {build.Elapsed.TotalSeconds:F0} s");
            build.Restart();
            await Exec(conn, "SET maintenance_work_mem = '3GB'; SET max_parallel_maintenance_workers = 2; " +
                // As migration 0014 builds it: one graph per partition, attached to the parent's index.
                $"CREATE INDEX ix_search_embeddings_hnsw_384 ON ONLY search_embeddings USING hnsw ((embedding::halfvec(384)) halfvec_cosine_ops) WITH (m = {HnswM}, ef_construction = {HnswEfConstruction}) WHERE dims = 384");
            for (var p = 0; p < 32; p++)
                await Exec(conn, "SET maintenance_work_mem = '3GB'; SET max_parallel_maintenance_workers = 2; " +
                    $"CREATE INDEX ix_search_embeddings_p{p}_hnsw_384 ON search_embeddings_p{p} USING hnsw ((embedding::halfvec(384)) halfvec_cosine_ops) WITH (m = {HnswM}, ef_construction = {HnswEfConstruction}) WHERE dims = 384; " +
                    $"ALTER INDEX ix_search_embeddings_hnsw_384 ATTACH PARTITION ix_search_embeddings_p{p}_hnsw_384");
            Console.WriteLine($"HNSW build (32 partitions, m {HnswM}, ef_construction {HnswEfConstruction}): {build.Elapsed.TotalSeconds:F0} s");
            await Exec(conn, "VACUUM ANALYZE"); // its own statement: VACUUM cannot run in a transaction block
            Console.WriteLine($"HNSW build (m {HnswM}, ef_construction {HnswEfConstruction}, 2 parallel workers) + VACUUM ANALYZE: {build.Elapsed.TotalSeconds:F0} s; total build {load.Elapsed.TotalSeconds:F0} s");
            await using (var sizesCmd = new NpgsqlCommand("""
                SELECT c.relname, pg_size_pretty(sum(pg_total_relation_size(r))), pg_size_pretty(sum(pg_relation_size(r))), sum(pg_total_relation_size(r))::bigint
                FROM pg_class c LEFT JOIN LATERAL pg_partition_tree(c.oid) t ON true CROSS JOIN LATERAL (SELECT coalesce(t.relid, c.oid) AS r) x WHERE c.relname IN ('search_keyword_chunks', 'search_keyword_chunks_pkey', 'ix_search_keyword_chunks_terms',
                    'search_term_stats', 'search_term_stats_pkey', 'search_vectors', 'search_vectors_pkey', 'ix_search_vectors_chunk', 'ix_search_vectors_embedding',
                    'search_embeddings', 'search_embeddings_pkey', 'search_embeddings_knowledge_base_id_generation_id_vector_hash_key', 'ix_search_embeddings_hnsw_384', 'chunks')
                GROUP BY c.relname ORDER BY c.relname
                """, conn))
            await using (var r = await sizesCmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) Console.WriteLine($"size {r.GetString(0)}: total {r.GetString(1)} (main fork {r.GetString(2)}; {r.GetInt64(3) / (double)total:F0} B/chunk)");
        }

        var questions = cmrc.SelectMany(p => p.Questions.Select(q => q.Question)).ToList();
        var queries = Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? questions[random.Next(questions.Count)] : string.Join(' ', Synthetic(random, 1).First().Split(' ').Take(4))).ToList();
        // Plans first: the HNSW index must be what the vector leg uses, for the big and the smallest tenant.
        var smallest = Array.IndexOf(sizes, sizes.Min());
        await ExplainAsync(bench, tenants[0], $"vector leg, {sizes[0]:N0}-chunk tenant", questions[0], embedder, vector: true);
        await ExplainAsync(bench, tenants[smallest], $"vector leg, {sizes[smallest]:N0}-chunk tenant", questions[0], embedder, vector: true);
        await ExplainAsync(bench, tenants[smallest], $"vector leg, {sizes[smallest]:N0}-chunk tenant, HNSW plan forced for comparison", questions[0], embedder, vector: true, forceIndex: true);
        await ExplainAsync(bench, tenants[0], $"keyword leg, {sizes[0]:N0}-chunk tenant", questions[0], embedder, vector: false);

        foreach (var (mode, clients) in new[] { (SearchMode.Keyword, 1), (SearchMode.Vector, 1), (SearchMode.Hybrid, 1), (SearchMode.Hybrid, 4) })
        {
            var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                for (int i; (i = Interlocked.Increment(ref next)) < queries.Count;)
                {
                    var tenant = i % 3 == 0 ? tenants[0] : tenants[1 + i % 49];
                    var t = Stopwatch.GetTimestamp();
                    await bench.SearchAsync(tenant, new SearchQuery(queries[i]) { TopK = 10, Mode = mode });
                    latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
            })));
            var sorted = latencies.Order().ToList();
            Console.WriteLine($"{mode.ToString().ToLowerInvariant()} latency, {clients} client(s), {sorted.Count} queries (query embedding included): p50 {sorted[sorted.Count / 2]:F1} ms, p95 {sorted[(int)(sorted.Count * 0.95)]:F1} ms");
        }

        // Recall of the vector leg against exact search on the large tenant; the exact scan is also the in-process floor.
        double exactMs = 0, pgMs = 0;
        var recallQueries = queries.Take(100).ToList();
        var queryVectors = new List<float[]>();
        var exactAll = new List<long[]>();
        var tenths = new List<float>();
        foreach (var q in recallQueries)
        {
            var qv = embedder.Embed(q);
            queryVectors.Add(qv);
            var t0 = Stopwatch.GetTimestamp();
            var top = bigTenantVectors.Select(v => (v.Id, S: TensorPrimitives.Dot(v.V, qv))).OrderByDescending(x => x.S).ThenBy(x => x.Id).Take(10).ToArray();
            exactMs += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            exactAll.Add(top.Select(x => x.Id).ToArray());
            // CMRC windows repeat across synthetic chunks, so equal-distance ties are common: a result
            // counts when it is as close as the exact 10th neighbour, whichever duplicate it is.
            tenths.Add(top[^1].S - 1e-6f);
        }
        var n = recallQueries.Count;
        var firstBig = bigTenantVectors[0].Id;
        foreach (var ef in new[] { 100, 200, 400, 800, 1000 })
        {
            double recall = 0, ms = 0;
            for (var i = 0; i < n; i++)
            {
                var t1 = Stopwatch.GetTimestamp();
                var hits = await bench.SearchAsync(tenants[0], new SearchQuery(recallQueries[i]) { Mode = SearchMode.Vector, TopK = 10, EfSearch = ef });
                ms += Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                // Each returned chunk is scored exactly (float32, in process): a hit is one as close as the
                // exact 10th neighbour, so ties at the 10th distance count whichever duplicate is returned.
                recall += Math.Min(10, hits.Take(10).Count(h => TensorPrimitives.Dot(bigTenantVectors[(int)(h.ChunkId - firstBig)].V, queryVectors[i]) >= tenths[i])) / 10.0;
            }
            if (ef == 100) pgMs = ms / n;
            Console.WriteLine($"vector leg recall@10 vs exact on the {sizes[0]:N0}-chunk tenant, ef_search {ef} (iterative scan): {recall / n:F3}; mean {ms / n:F2} ms/query vs exact in-process scan {exactMs / n:F2} ms/query (ratio {ms / exactMs:F2})");
        }

        foreach (var mode in Enum.GetValues<SearchMode>())
        {
            var counts = new List<int>();
            foreach (var q in queries.Take(20)) counts.Add((await bench.SearchAsync(tenants[smallest], new SearchQuery(q) { Mode = mode, TopK = 10 })).Count);
            Console.WriteLine($"smallest tenant ({sizes[smallest]:N0} chunks), {mode}: result counts min {counts.Min()}, max {counts.Max()} (k 10)");
        }
        if (reuse is null) await HnswPeer(bigTenantVectors, queryVectors, pgMs);
        else Console.WriteLine("hnswlib peer: not re-run on a reused database (its figures are the first run's)");
    }

    /// <summary>
    /// python3-hnswlib on the vectors pgvector's graph holds (the big tenant's distinct vectors; same m and
    /// ef_construction, ef 100), as a peer. Its recall is against exact search over the same distinct vectors.
    /// </summary>
    private static async Task HnswPeer(List<(long Id, float[] V)> chunks, List<float[]> queries, double pgMsPerQuery)
    {
        var data = chunks.DistinctBy(c => Convert.ToHexString(HalfVectorHash.Of(c.V))).Select((c, i) => (Id: (long)i, c.V)).ToList();
        var exact = queries.Select(q => data.Select(d => (d.Id, S: TensorPrimitives.Dot(d.V, q))).OrderByDescending(x => x.S).ThenBy(x => x.Id).Take(10).Select(x => x.Id).ToArray()).ToList();
        var dir = Directory.CreateTempSubdirectory("portal-hnsw-");
        await using (var f = File.Create(Path.Combine(dir.FullName, "data.f32"))) foreach (var (_, v) in data) f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()));
        await using (var f = File.Create(Path.Combine(dir.FullName, "queries.f32"))) foreach (var q in queries) f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(q.AsSpan()));
        await File.WriteAllLinesAsync(Path.Combine(dir.FullName, "exact.txt"), exact.Select(e => string.Join(' ', e)));
        var script = Path.Combine(BenchDatabase.Root(), "bench/retrieval/hnswlib_peer.py");
        var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, dir.FullName, HnswM.ToString(), HnswEfConstruction.ToString()]) { RedirectStandardOutput = true })!;
        var output = (await p.StandardOutput.ReadToEndAsync()).Trim();
        await p.WaitForExitAsync();
        Console.WriteLine(output);
        if (output.Split('\n')[^1].Split("ms/query") is [var head, ..] && double.TryParse(head.Split(' ')[^2], System.Globalization.CultureInfo.InvariantCulture, out var peerMs))
            Console.WriteLine($"pgvector vector leg / hnswlib latency ratio: {pgMsPerQuery / peerMs:F1}");
        dir.Delete(true);
    }

    private static async Task ExplainAsync(BenchDatabase bench, Guid tenant, string label, string query, HashedNgramEmbedder embedder, bool vector, bool? forceIndex = null)
    {
        const int pool = 40; // k 10 × candidate multiplier 4
        var plan = await bench.InTenantAsync(tenant, async (db, sp) =>
        {
            var options = sp.GetRequiredService<IOptions<SearchOptions>>().Value;
            var generations = (await VectorGenerations.LiveAsync(db, [tenant], CancellationToken.None)).Where(g => g.State == "active").ToList();
            NpgsqlCommand cmd;
            if (vector)
            {
                var chunks = await VectorLeg.ConfigureAsync(db, generations, Math.Max(options.EfSearch, pool), options.MaxScanTuples, CancellationToken.None);
                var exact = forceIndex != true && chunks <= options.ExactVectorScanMaxChunks;
                label += exact ? $" (exact scan: {chunks:N0} ≤ ExactVectorScanMaxChunks {options.ExactVectorScanMaxChunks:N0})" : " (HNSW)";
                cmd = VectorLeg.Command(db, generations, embedder.Embed(query), SearchFilters.None, pool, exact);
            }
            else
            {
                var terms = KeywordLeg.Terms(SearchAnalyzer.Analyze(query), [], 0.7);
                cmd = KeywordLeg.Command(db, [new KnowledgeBaseScope(tenant, new RetrievalSettings(), generations.FirstOrDefault())], terms, SearchFilters.None, pool, options.KeywordCandidateBudget);
            }
            await using (cmd)
            {
                cmd.CommandText = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + cmd.CommandText;
                var lines = new List<string>();
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
                return lines;
            }
        });
        Console.WriteLine($"EXPLAIN (ANALYZE) {label}:");
        foreach (var line in plan) Console.WriteLine("    " + line);
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, Guid[]? tenants = null)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        if (tenants is not null) cmd.Parameters.Add(new NpgsqlParameter("t", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = tenants });
        await cmd.ExecuteNonQueryAsync();
    }

    private static string[] MakeVocabulary()
    {
        var random = new Random(1);
        const string letters = "etaoinshrdlucmfwypvbgkqjxz";
        return Enumerable.Range(0, 5000).Select(_ => new string(Enumerable.Range(0, 3 + random.Next(7)).Select(_ => letters[(int)(Math.Pow(random.NextDouble(), 1.5) * 26)]).ToArray())).Distinct().ToArray();
    }
}
