/**
 * The `hashing` embedder's arithmetic: signed feature hashing of words, word pairs and character
 * trigrams into 1536 dimensions. Its own module (no other imports), so the hashing thread loads
 * nothing else.
 */
export const EMBEDDING_DIM = 1536;

export const HASHING_MODEL = 'tripsage-hashing-v1';

/** Relative weights of the three feature families (unigrams carry most of the signal). */
const WEIGHT = { word: 1, bigram: 0.7, trigram: 0.35 } as const;

const encoder = new TextEncoder();

/** FNV-1a, 32-bit, over the UTF-8 bytes. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of encoder.encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: decorrelates the sign bit from the bucket. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Lower-case NFKC words and numbers, Unicode-aware (`\p{L}\p{N}`, combining marks kept). */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu) ?? [];
}

/** The weighted features of a text: `w:` words, `b:` word pairs, `c:` character trigrams. */
export function features(text: string): Map<string, number> {
  const tokens = tokenize(text);
  const counts = new Map<string, { n: number; w: number }>();
  const add = (f: string, w: number) => {
    const c = counts.get(f);
    if (c) c.n++;
    else counts.set(f, { n: 1, w });
  };
  tokens.forEach((t, i) => {
    add(`w:${t}`, WEIGHT.word);
    if (i > 0) add(`b:${tokens[i - 1]} ${t}`, WEIGHT.bigram);
    const chars = [...`#${t}#`];
    for (let j = 0; j + 3 <= chars.length; j++) add(`c:${chars.slice(j, j + 3).join('')}`, WEIGHT.trigram);
  });
  // No word at all (punctuation, emoji only): one feature for the text itself, so the vector is
  // never zero (pgvector's cosine distance to a zero vector is NaN, and HNSW does not index it).
  if (!counts.size) add(`t:${text.normalize('NFKC').trim()}`, 1);
  const out = new Map<string, number>();
  for (const [f, c] of counts) out.set(f, c.w * (1 + Math.log(c.n)));
  return out;
}

export function hashingVector(text: string, dim = EMBEDDING_DIM): number[] {
  const v = new Array<number>(dim).fill(0);
  for (const [f, w] of features(text)) {
    const h = fnv1a32(f);
    v[h % dim]! += (fmix32(h) & 0x80000000) !== 0 ? -w : w;
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  // Colliding features of opposite sign can cancel out exactly; fall back to one fixed bucket.
  if (norm === 0) {
    v[0] = 1;
    return v;
  }
  return v.map((x) => x / norm);
}

