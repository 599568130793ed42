-- tripsage:requires-extension vector
-- 000021: the memory search filters on metadata containment (`metadata @> $filter`, see
-- docs/memory.md): a GIN index serves it. Part of the memory feature, so skipped with it.
CREATE INDEX IF NOT EXISTS idx_memory_embeddings_metadata
ON public.memory_embeddings
USING gin (metadata jsonb_path_ops);
