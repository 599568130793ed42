-- tripsage:requires-extension vector
-- 000031: the cap on memories per user (000030), for the optional memory table: applied with the
-- memory feature, skipped without it.
SELECT tripsage.add_collection_limit_triggers('memory_embeddings_per_user');
