-- tripsage:requires-extension vector
-- 000006: the AI memory (pgvector). The line above tells the migrator that this file needs the
-- `vector` extension: where it is unavailable, migrate stops with instructions, unless the
-- operator sets TRIPSAGE_MEMORY=off, which records this file as skipped; turning the switch back
-- on later applies it.

CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA extensions;

CREATE TABLE IF NOT EXISTS public.memory_embeddings (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    content_text TEXT NOT NULL,
    content_type TEXT NOT NULL,
    embedding vector(1536) NOT NULL,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

COMMENT ON TABLE public.memory_embeddings IS 'AI memory embeddings for semantic search and context';

-- Vector similarity search index (HNSW)
CREATE INDEX IF NOT EXISTS idx_memory_embeddings_hnsw
ON public.memory_embeddings
USING hnsw (embedding vector_cosine_ops);

-- Standard indexes
CREATE INDEX IF NOT EXISTS idx_memory_embeddings_user_id ON public.memory_embeddings (user_id);
CREATE INDEX IF NOT EXISTS idx_memory_embeddings_content_type ON public.memory_embeddings (content_type);

-- Vector search optimization (seed: Indexes and Performance)
CREATE INDEX IF NOT EXISTS idx_memory_embeddings_user_type ON public.memory_embeddings (user_id, content_type);

CREATE TRIGGER memory_embeddings_update_updated_at BEFORE UPDATE ON public.memory_embeddings
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

ALTER TABLE public.memory_embeddings ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.memory_embeddings FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.memory_embeddings TO authenticated, service_role;

CREATE POLICY "Users can view own memory embeddings" ON public.memory_embeddings
  FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY "Users can create own memory embeddings" ON public.memory_embeddings
  FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY "Users can update own memory embeddings" ON public.memory_embeddings
  FOR UPDATE TO authenticated
  USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY "Users can delete own memory embeddings" ON public.memory_embeddings
  FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);
