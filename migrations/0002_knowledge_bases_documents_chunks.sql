-- Knowledge bases, uploaded documents and their chunks.

CREATE TABLE knowledge_bases (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text,
    -- ChunkingOptions as JSON: {"strategy": "HeadingAware", "chunkSize": 500, "chunkOverlap": 50}
    chunking    jsonb NOT NULL DEFAULT '{}',
    -- Retrieval settings (BM25 k1/b, fusion, candidate pool, embedder) as JSON; read by the search feature.
    retrieval   jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ux_knowledge_bases_name ON knowledge_bases(tenant_id, lower(name));

CREATE TABLE documents (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    knowledge_base_id  uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
    format             text NOT NULL,
    size_bytes         bigint NOT NULL CHECK (size_bytes >= 0),
    content_hash       text NOT NULL CHECK (length(content_hash) = 64),
    blob_key           text NOT NULL,
    status             text NOT NULL CHECK (status IN ('Queued', 'Parsing', 'Chunking', 'Indexing', 'Indexed', 'Failed')),
    error              text,
    error_reason       text,
    -- The version whose chunks search uses; a re-index builds version + 1 and switches in one update.
    active_version     integer,
    building_version   integer NOT NULL DEFAULT 1,
    page_count         integer,
    chunk_count        integer,
    attempts           integer NOT NULL DEFAULT 0,
    timings            jsonb NOT NULL DEFAULT '{}',
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    started_at         timestamptz,
    finished_at        timestamptz
);
CREATE UNIQUE INDEX ux_documents_content ON documents(knowledge_base_id, content_hash);
CREATE INDEX ix_documents_kb ON documents(knowledge_base_id, created_at DESC);
CREATE INDEX ix_documents_unfinished ON documents(status) WHERE status NOT IN ('Indexed', 'Failed');

CREATE TABLE chunks (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    knowledge_base_id  uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
    document_id        uuid NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    document_version   integer NOT NULL,
    chunk_index        integer NOT NULL,
    text               text NOT NULL,
    char_start         integer NOT NULL,
    char_end           integer NOT NULL,
    page               integer,
    end_page           integer,
    heading_path       text[] NOT NULL DEFAULT '{}',
    source_name        text NOT NULL,
    source_type        text NOT NULL,
    language           text NOT NULL,
    is_ocr             boolean NOT NULL DEFAULT false,
    token_count        integer NOT NULL,
    content_hash       text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    -- A step that runs twice writes the same rows once.
    UNIQUE (document_id, document_version, chunk_index)
);
CREATE INDEX ix_chunks_kb ON chunks(knowledge_base_id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['knowledge_bases', 'documents', 'chunks'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant_id()) '
                       'WITH CHECK (tenant_id = current_tenant_id())', t);
    END LOOP;
END $$;
