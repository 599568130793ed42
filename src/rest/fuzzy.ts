/**
 * "Perhaps you meant …": the candidate most like a name that was not found, scored the way
 * PostgREST's hints are (the fuzzyset defaults it uses): names are compared lower-cased with only
 * letters, digits, spaces and commas; candidates sharing 3-grams (else 2-grams) are ranked by the
 * cosine of their gram counts, and the best 50 re-scored by 1 − Levenshtein distance ÷ the longer
 * length; the best at 0.33 or more wins. The name itself is never suggested.
 */
const MIN_SCORE = 0.33;
const RESCORED = 50;

const normalize = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}, ]+/gu, '');

function grams(s: string, size: number): Map<string, number> {
  let padded = `-${normalize(s)}-`;
  while (padded.length < size) padded += '-';
  const out = new Map<string, number>();
  for (let i = 0; i + size <= padded.length; i++) {
    const g = padded.slice(i, i + size);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

const magnitude = (v: Map<string, number>): number => Math.sqrt([...v.values()].reduce((sum, n) => sum + n * n, 0));

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  for (const [g, n] of a) dot += n * (b.get(g) ?? 0);
  return dot === 0 ? 0 : dot / (magnitude(a) * magnitude(b));
}

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function closest(word: string, candidates: string[]): string | undefined {
  const unique = [...new Set(candidates)].filter((c) => c !== word);
  for (const size of [3, 2]) {
    const w = grams(word, size);
    const ranked = unique
      .map((c) => ({ c, score: cosine(w, grams(c, size)) }))
      .filter((x) => x.score > 0)
      .sort((x, y) => y.score - x.score)
      .slice(0, RESCORED)
      .map(({ c }) => {
        const a = normalize(word);
        const b = normalize(c);
        return { c, score: 1 - levenshtein(a, b) / Math.max(a.length, b.length, 1) };
      })
      .filter((x) => x.score >= MIN_SCORE)
      .sort((x, y) => y.score - x.score);
    if (ranked.length > 0) return ranked[0]!.c;
  }
  return undefined;
}
