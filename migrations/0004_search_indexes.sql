-- Hybrid retrieval: the keyword index (per-chunk term vectors and BM25 statistics), the vector index
-- (pgvector HNSW, one generation per embedder) and the tenant's synonym dictionary.
-- Search joins every hit back to chunks and documents (active_version), so a keyword row or a vector
-- left behind by a cascade delete is never returned; RemoveAsync keeps the statistics exact.

-- Keyword leg ---------------------------------------------------------------------------------

-- btree_gin lets one GIN index hold (knowledge base, term): a term's posting list is then read for
-- one knowledge base only, not for every tenant that uses the word. It is a trusted extension.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- One row per chunk (not one per term and chunk: that design took ~18 KB per chunk with its key).
-- terms is a tsvector built from SearchAnalyzer's terms, not by to_tsvector: each lexeme is one of
-- our terms and its positions are its occurrence numbers 1..tf, so tf = the number of positions
-- (capped at 256 by tsvector; BM25 saturates long before). length is |d| in terms, uncapped.
-- The GIN index finds candidate chunks; BM25 is then computed in SQL from tf, df, N and avgdl.
CREATE TABLE search_keyword_chunks (
    chunk_id           bigint PRIMARY KEY,
    tenant_id          uuid NOT NULL,
    knowledge_base_id  uuid NOT NULL,
    length             integer NOT NULL CHECK (length > 0),
    terms              tsvector NOT NULL
);
CREATE INDEX ix_search_keyword_chunks_terms ON search_keyword_chunks USING gin (knowledge_base_id, terms);

-- Document frequency per term, kept by upserts (ON CONFLICT … df = df + n) that are safe under
-- concurrent indexing; writers take the rows in term order so two documents cannot deadlock.
CREATE TABLE search_term_stats (
    tenant_id          uuid NOT NULL,
    knowledge_base_id  uuid NOT NULL,
    term               text NOT NULL,
    df                 integer NOT NULL CHECK (df >= 0),
    PRIMARY KEY (knowledge_base_id, term)
);

-- N and the total length per knowledge base: avgdl = total_length / chunk_count.
CREATE TABLE search_kb_stats (
    knowledge_base_id  uuid PRIMARY KEY REFERENCES knowledge_bases(id) ON DELETE CASCADE,
    tenant_id          uuid NOT NULL,
    chunk_count        bigint NOT NULL CHECK (chunk_count >= 0),
    total_length       bigint NOT NULL CHECK (total_length >= 0)
);

-- Vector leg ----------------------------------------------------------------------------------

-- A generation is one embedder's space for one knowledge base. A new embedder builds a new
-- generation beside the active one and switches in one update (blue/green): spaces never mix.
CREATE TABLE search_vector_generations (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id          uuid NOT NULL,
    knowledge_base_id  uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
    model_id           text NOT NULL,
    dims               integer NOT NULL CHECK (dims BETWEEN 1 AND 2000),
    state              text NOT NULL CHECK (state IN ('building', 'active', 'retired')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    activated_at       timestamptz
);
CREATE UNIQUE INDEX ux_search_vector_generations_active ON search_vector_generations(knowledge_base_id) WHERE state = 'active';
CREATE UNIQUE INDEX ux_search_vector_generations_building ON search_vector_generations(knowledge_base_id) WHERE state = 'building';

CREATE TABLE search_vectors (
    generation_id      bigint NOT NULL,
    chunk_id           bigint NOT NULL,
    tenant_id          uuid NOT NULL,
    knowledge_base_id  uuid NOT NULL,
    dims               integer NOT NULL,
    embedding          vector NOT NULL CHECK (vector_dims(embedding) = dims),
    PRIMARY KEY (generation_id, chunk_id)
);
CREATE INDEX ix_search_vectors_chunk ON search_vectors(chunk_id);
-- One partial HNSW index per dimension, so embedders of different sizes share the table; queries
-- repeat this exact expression and predicate or the planner cannot use the index.
CREATE INDEX ix_search_vectors_hnsw_384 ON search_vectors
    USING hnsw ((embedding::vector(384)) vector_cosine_ops) WITH (m = 16, ef_construction = 64)
    WHERE dims = 384;

-- Synonyms ------------------------------------------------------------------------------------

CREATE TABLE search_synonyms (
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    term        text NOT NULL CHECK (length(term) BETWEEN 1 AND 100),
    expansions  text[] NOT NULL,
    PRIMARY KEY (tenant_id, term)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['search_keyword_chunks', 'search_term_stats', 'search_kb_stats',
                             'search_vector_generations', 'search_vectors', 'search_synonyms'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant_id()) '
                       'WITH CHECK (tenant_id = current_tenant_id())', t);
    END LOOP;
END $$;

-- The embedding backfill visits tenant by tenant. This lister is its only cross-tenant read: it
-- names the knowledge bases whose chosen embedder is not the active generation's, or that have
-- active chunks without a vector in the active generation, and nothing else. The backfill then works inside each tenant's transaction.
CREATE POLICY definer_lookup ON knowledge_bases FOR SELECT TO portal_owner USING (true);
CREATE POLICY definer_lookup ON documents FOR SELECT TO portal_owner USING (true);
CREATE POLICY definer_lookup ON chunks FOR SELECT TO portal_owner USING (true);
CREATE POLICY definer_lookup ON search_vector_generations FOR SELECT TO portal_owner USING (true);
CREATE POLICY definer_lookup ON search_vectors FOR SELECT TO portal_owner USING (true);

CREATE FUNCTION search_backfill_targets(p_default_model text)
RETURNS TABLE (tenant_id uuid, knowledge_base_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT kb.tenant_id, kb.id
    FROM knowledge_bases kb
    LEFT JOIN search_vector_generations g ON g.knowledge_base_id = kb.id AND g.state = 'active'
    WHERE coalesce(nullif(kb.retrieval->>'embedder', ''), p_default_model) IS DISTINCT FROM g.model_id
       OR EXISTS (
        SELECT 1 FROM chunks c JOIN documents d ON d.id = c.document_id AND d.active_version = c.document_version
        WHERE c.knowledge_base_id = kb.id
          AND (g.id IS NULL OR NOT EXISTS (SELECT 1 FROM search_vectors v WHERE v.generation_id = g.id AND v.chunk_id = c.id)))
    ORDER BY kb.tenant_id, kb.id
$$;

-- The evaluation CLI is given a knowledge base id; this says whose it is and nothing more.
CREATE FUNCTION search_knowledge_base_tenant(p_knowledge_base_id uuid)
RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT tenant_id FROM knowledge_bases WHERE id = p_knowledge_base_id $$;

-- The keyword leg's candidate probe. Under row-level security a qual that is not leakproof (and
-- tsvector @@ tsquery is not) may not run before the policy, so the GIN index could only be probed
-- by knowledge base and every chunk of it was then rechecked on the heap (40,000 rows for one query
-- at 200k chunks). This function reads the index as its owner and applies the tenant check itself,
-- as an ordinary qual: it returns the caller's tenant's rows of one knowledge base and nothing else.
CREATE POLICY definer_lookup ON search_keyword_chunks FOR SELECT TO portal_owner USING (true);

CREATE FUNCTION search_keyword_candidates(p_knowledge_base_id uuid, p_query tsquery)
RETURNS TABLE (chunk_id bigint, length integer, terms tsvector)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT k.chunk_id, k.length, k.terms FROM search_keyword_chunks k
    WHERE k.knowledge_base_id = p_knowledge_base_id AND k.terms @@ p_query
      AND k.tenant_id = current_tenant_id()
$$;

REVOKE ALL ON FUNCTION search_backfill_targets(text), search_knowledge_base_tenant(uuid), search_keyword_candidates(uuid, tsquery) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_backfill_targets(text), search_knowledge_base_tenant(uuid), search_keyword_candidates(uuid, tsquery) TO portal_app;
