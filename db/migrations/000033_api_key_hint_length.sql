-- 000033: a key hint only for keys long enough to spare four characters (issue 10).
--
-- 000008 kept the last 4 characters of every key, which is half of an 8-character key. The API
-- now writes a hint only for keys of at least 20 characters (src/keys/crypto.ts, maskHint);
-- this clears the hints already stored for shorter keys. The plaintext's length is read from the
-- envelope ("tsk1:version:iv:tag:ciphertext", base64url without padding; AES-GCM's ciphertext is
-- as long as the plaintext in bytes): fewer than 20 bytes is fewer than 20 characters. A key
-- of 20+ bytes but fewer characters (non-ASCII) keeps its hint; API keys are ASCII in practice.
UPDATE public.api_keys
SET key_hint = NULL
WHERE key_hint IS NOT NULL
  AND (length(split_part(encrypted_value, ':', 5)) * 3) / 4 < 20;
COMMENT ON COLUMN public.api_keys.key_hint IS 'Masked hint of the key: its last 4 characters, for keys of at least 20 characters (else NULL)';
