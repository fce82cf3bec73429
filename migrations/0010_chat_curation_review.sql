-- Chat, curated answers, feedback and the review queue.

-- Per-tenant chat and widget settings (the "I don't know" message, confidence threshold, widget theme).
CREATE TABLE tenant_settings (
    tenant_id   uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    chat        jsonb NOT NULL DEFAULT '{}',
    widget      jsonb NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Which generator answers: per tenant (knowledge_base_id NULL) or per knowledge base.
CREATE TABLE generator_configs (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    knowledge_base_id  uuid REFERENCES knowledge_bases(id) ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('extractive', 'openai', 'local')),
    base_url           text,
    model              text,
    -- The provider's secret key, encrypted with ASP.NET Core Data Protection; never returned by the API.
    secret_ciphertext  text,
    settings           jsonb NOT NULL DEFAULT '{}',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ux_generator_configs_scope ON generator_configs(tenant_id, coalesce(knowledge_base_id, '00000000-0000-0000-0000-000000000000'));

CREATE TABLE qa_pairs (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    knowledge_base_id  uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
    question           text NOT NULL CHECK (length(question) BETWEEN 1 AND 4000),
    answer             text NOT NULL CHECK (length(answer) BETWEEN 1 AND 20000),
    source             text NOT NULL CHECK (source IN ('manual', 'import', 'correction')),
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_qa_pairs_kb ON qa_pairs(knowledge_base_id, created_at DESC);

-- QA pairs are indexed as chunks of a per-knowledge-base "Curated answers" document, so retrieval
-- finds them like any other chunk; this column links such a chunk back to its pair.
ALTER TABLE chunks ADD COLUMN qa_pair_id uuid REFERENCES qa_pairs(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX ux_chunks_qa_pair ON chunks(qa_pair_id) WHERE qa_pair_id IS NOT NULL;

CREATE TABLE conversations (
    id                  uuid PRIMARY KEY,
    tenant_id           uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    channel             text NOT NULL CHECK (channel IN ('portal', 'api', 'widget')),
    user_id             uuid REFERENCES users(id) ON DELETE SET NULL,
    api_key_id          uuid REFERENCES api_keys(id) ON DELETE SET NULL,
    -- Anonymous widget visitors: a random id kept by their browser, so a conversation continues.
    visitor_id          text,
    knowledge_base_ids  uuid[] NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_message_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_conversations_tenant ON conversations(tenant_id, last_message_at DESC);

CREATE TABLE messages (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_id    uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role               text NOT NULL CHECK (role IN ('user', 'assistant')),
    content            text NOT NULL,
    -- For questions: the stand-alone query used for retrieval after rewriting a follow-up.
    search_query       text,
    -- For answers: [{n, chunkId, documentId, documentName, page, snippet, qaPairId?}]
    citations          jsonb NOT NULL DEFAULT '[]',
    -- For answers: the retrieval results with each leg's rank and score, for the review queue.
    retrieval          jsonb NOT NULL DEFAULT '[]',
    confidence         real,
    generator          text,
    outcome            text CHECK (outcome IN ('answered', 'curated', 'unknown')),
    prompt_tokens      integer NOT NULL DEFAULT 0,
    completion_tokens  integer NOT NULL DEFAULT 0,
    latency_ms         integer,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_messages_conversation ON messages(conversation_id, created_at);
CREATE INDEX ix_messages_tenant_day ON messages(tenant_id, created_at);

CREATE TABLE feedback (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    message_id  uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    rating      text NOT NULL CHECK (rating IN ('up', 'down')),
    comment     text CHECK (length(comment) <= 4000),
    channel     text NOT NULL CHECK (channel IN ('portal', 'api', 'widget')),
    given_by    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_feedback_message ON feedback(message_id);

CREATE TABLE review_items (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    message_id         uuid NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
    knowledge_base_id  uuid REFERENCES knowledge_bases(id) ON DELETE SET NULL,
    -- Why it is in the queue: thumbs_down, low_confidence, unknown, reported (several may apply).
    reasons            text[] NOT NULL CHECK (reasons <@ ARRAY['thumbs_down', 'low_confidence', 'unknown', 'reported']::text[]),
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'corrected', 'dismissed')),
    correction         text,
    qa_pair_id         uuid REFERENCES qa_pairs(id) ON DELETE SET NULL,
    resolved_by        text,
    resolved_at        timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_review_items_open ON review_items(tenant_id, status, created_at DESC);

-- Cited chunks a reviewer marked as wrong; retrieval leaves them out of answers.
CREATE TABLE chunk_flags (
    tenant_id       uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    chunk_id        bigint NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    review_item_id  uuid REFERENCES review_items(id) ON DELETE SET NULL,
    marked_by       text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chunk_id)
);

-- Corrections kept as preference data: prompt, chosen = correction, rejected = original answer.
CREATE TABLE preference_pairs (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    knowledge_base_id  uuid REFERENCES knowledge_bases(id) ON DELETE SET NULL,
    review_item_id     uuid REFERENCES review_items(id) ON DELETE SET NULL,
    prompt             text NOT NULL,
    chosen             text NOT NULL,
    rejected           text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);

-- Widget requests per publishable key and day, for the daily quota.
CREATE TABLE widget_usage (
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    api_key_id  uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    day         date NOT NULL,
    requests    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (api_key_id, day)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenant_settings', 'generator_configs', 'qa_pairs', 'conversations', 'messages',
                             'feedback', 'review_items', 'chunk_flags', 'preference_pairs', 'widget_usage'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant_id()) '
                       'WITH CHECK (tenant_id = current_tenant_id())', t);
    END LOOP;
END $$;
