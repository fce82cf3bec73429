-- Search storage for 1M chunks. Vector leg: identical vectors enter the HNSW graph once, stored as
-- halfvec, in one graph per partition of knowledge bases. Keyword leg: term vectors stay in the heap row.
--
-- Why. A knowledge base often holds the same text many times (boilerplate, repeated sections,
-- re-uploads), and a deterministic embedder then gives identical vectors. In an HNSW graph the
-- copies fill each other's neighbour lists (a group of identical vectors is a clique the walk
-- finds all or none of) and every copy costs a node. Now search_embeddings holds each distinct vector once
-- per generation (keyed by a hash of its halfvec bytes) and search_vectors maps each chunk to one;
-- search walks the graph of distinct vectors and expands every hit to the chunks that carry it.
--
-- halfvec halves the bytes of every vector (384 dims: 776 B instead of 1,544 B) for the heap, the
-- HNSW index and exact scans; the hashed embedder's cosine changes by ~1e-3 at most.

-- Partitioned by knowledge base (hash, 32 partitions), each partition with its own HNSW graph: a
-- knowledge base's vectors then make up a large share of the graph they are searched in, instead of
-- 1–2 % of one shared graph, which a filtered walk had to wade through (or the planner avoided by
-- scanning the knowledge base exactly: 97–250 ms for 16,000 chunks at 1M). Queries name the
-- knowledge bases, so only their partitions are planned.
CREATE SEQUENCE search_embeddings_id_seq;
CREATE TABLE search_embeddings (
    id                 bigint NOT NULL DEFAULT nextval('search_embeddings_id_seq'),
    generation_id      bigint NOT NULL REFERENCES search_vector_generations(id) ON DELETE CASCADE,
    tenant_id          uuid NOT NULL,
    knowledge_base_id  uuid NOT NULL,
    dims               integer NOT NULL,
    -- The first 16 bytes of sha256(halfvec_send(embedding)); HalfVectorHash computes the same in the application.
    vector_hash        bytea NOT NULL CHECK (length(vector_hash) = 16),
    embedding          halfvec NOT NULL CHECK (vector_dims(embedding) = dims),
    PRIMARY KEY (knowledge_base_id, id),
    UNIQUE (knowledge_base_id, generation_id, vector_hash)
) PARTITION BY HASH (knowledge_base_id);
ALTER SEQUENCE search_embeddings_id_seq OWNED BY search_embeddings.id;
DO $$
BEGIN
    FOR i IN 0..31 LOOP
        EXECUTE format('CREATE TABLE search_embeddings_p%s PARTITION OF search_embeddings FOR VALUES WITH (MODULUS 32, REMAINDER %s)', i, i);
    END LOOP;
END $$;
-- Vectors stay in the heap row (a 384-dimension halfvec is 776 B): no TOAST pointer to follow per row.
ALTER TABLE search_embeddings ALTER COLUMN embedding SET STORAGE PLAIN;

INSERT INTO search_embeddings (generation_id, tenant_id, knowledge_base_id, dims, vector_hash, embedding)
SELECT DISTINCT ON (knowledge_base_id, generation_id, h) generation_id, tenant_id, knowledge_base_id, dims, h, e
FROM (SELECT generation_id, tenant_id, knowledge_base_id, dims, embedding::halfvec AS e,
             substring(sha256(halfvec_send(embedding::halfvec)) FROM 1 FOR 16) AS h
      FROM search_vectors) v
ORDER BY knowledge_base_id, generation_id, h;

ALTER TABLE search_vectors RENAME TO search_vectors_0004;
CREATE TABLE search_vectors (
    generation_id      bigint NOT NULL,
    chunk_id           bigint NOT NULL,
    tenant_id          uuid NOT NULL,
    knowledge_base_id  uuid NOT NULL,
    -- No foreign key: writers lock the embedding row (FOR KEY SHARE) themselves, and removal deletes
    -- only embeddings it could lock and that no chunk maps to (VectorIndexer).
    embedding_id       bigint NOT NULL,
    PRIMARY KEY (generation_id, chunk_id)
);
INSERT INTO search_vectors (generation_id, chunk_id, tenant_id, knowledge_base_id, embedding_id)
SELECT v.generation_id, v.chunk_id, v.tenant_id, v.knowledge_base_id, e.id
FROM search_vectors_0004 v
JOIN search_embeddings e ON e.knowledge_base_id = v.knowledge_base_id AND e.generation_id = v.generation_id
 AND e.vector_hash = substring(sha256(halfvec_send(v.embedding::halfvec)) FROM 1 FOR 16);
DROP TABLE search_vectors_0004;

CREATE INDEX ix_search_vectors_chunk ON search_vectors(chunk_id);
CREATE INDEX ix_search_vectors_embedding ON search_vectors(embedding_id, chunk_id);
-- One partial HNSW index per dimension, as before (queries repeat this exact expression and
-- predicate), built per partition under a name that says what it is.
CREATE INDEX ix_search_embeddings_hnsw_384 ON ONLY search_embeddings
    USING hnsw ((embedding::halfvec(384)) halfvec_cosine_ops) WITH (m = 24, ef_construction = 128)
    WHERE dims = 384;
DO $$
BEGIN
    FOR i IN 0..31 LOOP
        EXECUTE format('CREATE INDEX ix_search_embeddings_p%s_hnsw_384 ON search_embeddings_p%s '
                       'USING hnsw ((embedding::halfvec(384)) halfvec_cosine_ops) WITH (m = 24, ef_construction = 128) WHERE dims = 384', i, i);
        EXECUTE format('ALTER INDEX ix_search_embeddings_hnsw_384 ATTACH PARTITION ix_search_embeddings_p%s_hnsw_384', i);
    END LOOP;
END $$;

-- Row-level security on the parent and on every partition, so no path to a partition skips it.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['search_embeddings', 'search_vectors']
                       || ARRAY(SELECT 'search_embeddings_p' || i FROM generate_series(0, 31) i) LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant_id()) '
                       'WITH CHECK (tenant_id = current_tenant_id())', t);
    END LOOP;
END $$;
-- search_backfill_targets (migration 0004) reads search_vectors as its owner.
CREATE POLICY definer_lookup ON search_vectors FOR SELECT TO portal_owner USING (true);

-- Keyword leg: keep each chunk's term vector in its heap row (compressed in place) instead of
-- out of line in TOAST. The leg reads the term vectors of ~1,000 candidates per query, and a TOAST
-- pointer costs an index probe and another heap page per candidate (EXPLAIN at 200k chunks: 27 of
-- the leg's 50 ms). Rows written from now on get it; VACUUM FULL search_keyword_chunks moves old ones.
ALTER TABLE search_keyword_chunks ALTER COLUMN terms SET STORAGE MAIN;
