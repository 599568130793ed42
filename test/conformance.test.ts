/**
 * The migrated database against the seed document: every table, column, constraint, foreign key,
 * index, trigger and comment, compared with test/conformance/expected-schema.json (generated from
 * the seed by scripts/gen-expected-schema.ts), minus the allow-listed deviations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { readSchemaFacts } from '../src/db/catalog.ts';
import { compareFacts, formatFactDiff, staleAllowances } from '../src/db/conformance.ts';
import { lintDatabase, formatFindings } from '../src/db/linter.ts';
import { describeEachBackend } from './harness/backends.ts';
import { deviations, MEMORY_TABLE_FACT } from './conformance/deviations.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const expectedFile = JSON.parse(readFileSync(join(root, 'test/conformance/expected-schema.json'), 'utf8')) as {
  facts: string[];
};

describeEachBackend('conformance with the seed', (ctx) => {
  it('has every table, column, constraint, index, trigger and comment of the seed, and nothing unexplained', async () => {
    const actual = await readSchemaFacts((t, p) => ctx.db.query(t, p), ['public']);
    const expected = ctx.memory ? expectedFile.facts : expectedFile.facts.filter((f) => !MEMORY_TABLE_FACT.test(f));
    const diff = compareFacts(expected, actual, deviations);
    expect(diff, formatFactDiff(diff)).toEqual({ missing: [], extra: [] });
    if (ctx.memory) expect(staleAllowances(expected, actual, deviations)).toEqual([]);
  });

  it('passes the Supabase linter checks with no ERROR or WARN finding', async () => {
    const findings = await lintDatabase((t, p) => ctx.db.query(t, p));
    const serious = findings.filter((f) => f.level !== 'INFO');
    expect(serious, formatFindings(serious)).toEqual([]);
  });
});

// Only where the seed document is present (CI, developers' machines); a user's clone uses the
// committed file.
if (existsSync(resolve(root, '../shared/seed/tripsage-database-schema.md'))) it(
  'the committed expected facts are regenerated from the seed without drift',
  () => {
    // Exits non-zero with a readable diff when the seed changed and the file was not regenerated.
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/gen-expected-schema.ts'), '--check'], {
      cwd: root,
      stdio: 'pipe',
    });
  },
  120_000,
);
