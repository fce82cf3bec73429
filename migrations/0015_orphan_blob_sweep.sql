-- The orphan blob sweep. Blobs are content-addressed per tenant and written before their document row
-- commits, so a crash in between (or a removal racing an upload) can leave a blob that no row names.
-- The sweeper runs outside any tenant, so it asks this function (owned by portal_owner, reading through
-- the definer_lookup policy of 0004) which of the keys it found in the store no document references.
-- It answers only about keys the caller names and returns nothing else of any tenant.
CREATE INDEX ix_documents_blob_key ON documents(blob_key);

CREATE FUNCTION unreferenced_blob_keys(p_keys text[])
RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT k FROM unnest(p_keys[1:1000]) AS k
    WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.blob_key = k)
$$;
REVOKE ALL ON FUNCTION unreferenced_blob_keys(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION unreferenced_blob_keys(text[]) TO portal_app;
