/**
 * Compares the schema facts of a live database (src/db/catalog.ts) with the facts generated from
 * the seed document (test/conformance/expected-schema.json), minus the deliberate deviations that
 * are allow-listed with their reasons (test/conformance/deviations.ts).
 */

export interface FactAllowList {
  /** Expected facts the migrations deliberately do not have: exact fact string -> reason. */
  missing: Record<string, string>;
  /** Facts the migrations deliberately add: pattern over the fact string, with the reason. */
  extra: Array<{ pattern: RegExp; reason: string }>;
}

export interface FactDiff {
  /** Expected facts absent from the database and not allow-listed. */
  missing: string[];
  /** Database facts not expected and not allow-listed. */
  extra: string[];
}

/** Tests a pattern without being affected by a `g`/`y` flag's lastIndex. */
function matches(pattern: RegExp, fact: string): boolean {
  pattern.lastIndex = 0;
  const ok = pattern.test(fact);
  pattern.lastIndex = 0;
  return ok;
}

export function compareFacts(expected: string[], actual: string[], allow: FactAllowList): FactDiff {
  const actualSet = new Set(actual);
  const expectedSet = new Set(expected);
  const missing = [...expectedSet]
    .filter((f) => !actualSet.has(f) && !Object.prototype.hasOwnProperty.call(allow.missing, f))
    .sort();
  const extra = [...actualSet]
    .filter((f) => !expectedSet.has(f) && !allow.extra.some((a) => matches(a.pattern, f)))
    .sort();
  return { missing, extra };
}

/** Allow-list entries that no longer match anything: candidates for removal. */
export function staleAllowances(expected: string[], actual: string[], allow: FactAllowList): string[] {
  const actualSet = new Set(actual);
  const expectedSet = new Set(expected);
  const stale: string[] = [];
  for (const f of Object.keys(allow.missing)) {
    if (!expectedSet.has(f)) stale.push(`missing-allowance for a fact the seed does not have: ${f}`);
    else if (actualSet.has(f)) stale.push(`missing-allowance for a fact the database does have: ${f}`);
  }
  for (const a of allow.extra) {
    if (!actual.some((f) => !expectedSet.has(f) && matches(a.pattern, f)))
      stale.push(`extra-allowance ${String(a.pattern)} matches no extra fact (${a.reason})`);
  }
  return stale;
}

export function formatFactDiff(result: FactDiff): string {
  if (result.missing.length === 0 && result.extra.length === 0)
    return 'The database schema conforms to the seed (with the allow-listed deviations).';
  const lines: string[] = ['The database schema does not conform to the seed document.'];
  if (result.missing.length > 0) {
    lines.push(
      '',
      `The migrations lack ${result.missing.length} fact(s) of the seed (shared/seed/tripsage-database-schema.md):`,
      ...result.missing.map((f) => `  - ${f}`),
      'Fix: add them in a migration under db/migrations/; or, if it is a deliberate deviation, add the exact',
      'fact to `missing` in the allow-list in test/conformance/deviations.ts with the reason, and document the',
      'deviation in docs/schema.md.',
    );
  }
  if (result.extra.length > 0) {
    lines.push(
      '',
      `The migrations have ${result.extra.length} fact(s) the seed does not:`,
      ...result.extra.map((f) => `  + ${f}`),
      'Fix: remove them from the migration; or, if it is a deliberate deviation, add a pattern matching them to',
      '`extra` in the allow-list in test/conformance/deviations.ts with the reason, and document the deviation',
      'in docs/schema.md.',
    );
  }
  lines.push(
    '',
    'If the seed itself changed, regenerate the expected facts: npx tsx scripts/gen-expected-schema.ts',
    '(a fact that differs only in detail shows up once as missing and once as extra).',
  );
  return lines.join('\n');
}
