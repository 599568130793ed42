/**
 * Generates test/conformance/expected-schema.json: the schema facts (see src/db/catalog.ts) of the
 * seed document `shared/seed/tripsage-database-schema.md`, with the seed errata fixed, and ONLY
 * those (each fix is named below with the erratum it implements).
 *
 *   npx tsx scripts/gen-expected-schema.ts           # (re)write the JSON file
 *   npx tsx scripts/gen-expected-schema.ts --check   # exit 1 with a diff if the file is stale
 *
 * How: every ```sql block of the seed is split into statements, which are applied one by one to a
 * scratch in-memory PGlite (vector, citext, uuid-ossp loaded) on top of a minimal Supabase stub
 * (schema auth, table auth.users, function auth.uid()). Any statement that fails and is not an RLS
 * statement (CREATE POLICY / ENABLE ROW LEVEL SECURITY, which are not facts) aborts the run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { readSchemaFacts } from '../src/db/catalog.ts';

export const GENERATED_BY = 'scripts/gen-expected-schema.ts';
export const SOURCE = 'shared/seed/tripsage-database-schema.md';
export const OUTPUT = 'test/conformance/expected-schema.json';

/** The minimal Supabase stand-in the seed needs: it references auth.users and calls auth.uid(). */
export const AUTH_STUB = [
  'create schema auth',
  'create table auth.users (id uuid primary key, email text)',
  'create function auth.uid() returns uuid language sql stable as $$ select null::uuid $$',
];

export interface Erratum {
  id: string;
  /** The erratum, as written in shared/reference/seed-errata.md. */
  erratum: string;
  /** How many seed statements the fix must match (fails loudly otherwise: the seed changed). */
  expectedMatches: number;
  matches(statement: string): boolean;
  /** The statement to run instead, or null to skip it. */
  fix(statement: string): string | null;
}

const PRICE_HISTORY_PREDICATE = /\s*WHERE\s+timestamp\s*>\s*NOW\(\)\s*-\s*INTERVAL\s*'90 days'\s*$/i;

/** The seed errata fixed before applying the seed; nothing else in the seed is changed. */
export const ERRATA: readonly Erratum[] = [
  {
    id: 'pgvector-extension-name',
    erratum:
      '`CREATE EXTENSION IF NOT EXISTS "pgvector";` fails with `extension "pgvector" is not available`: ' +
      'the extension\'s name is `vector`. Fix: `CREATE EXTENSION IF NOT EXISTS vector`.',
    expectedMatches: 1,
    matches: (s) => /^CREATE EXTENSION IF NOT EXISTS "pgvector"$/i.test(s),
    fix: () => 'CREATE EXTENSION IF NOT EXISTS vector',
  },
  {
    id: 'price-history-analysis-predicate',
    erratum:
      "partial index `idx_price_history_analysis ... WHERE timestamp > NOW() - INTERVAL '90 days'` fails with " +
      '`functions in index predicate must be marked IMMUTABLE`. Fix: no `now()` in an index predicate; a plain ' +
      'index on `(entity_type, timestamp DESC)` serves the same queries.',
    expectedMatches: 1,
    matches: (s) => /^CREATE INDEX IF NOT EXISTS idx_price_history_analysis\b/i.test(s) && PRICE_HISTORY_PREDICATE.test(s),
    fix: (s) => s.replace(PRICE_HISTORY_PREDICATE, ''),
  },
  {
    id: 'slow-queries-view',
    erratum:
      'view `slow_queries` reads `total_time`, `mean_time` (renamed in PostgreSQL 13 to `total_exec_time`, ' +
      '`mean_exec_time`) and needs the `pg_stat_statements` extension. Skipped here: it is a view, and the ' +
      'facts cover tables only.',
    expectedMatches: 1,
    matches: (s) => /^CREATE (OR REPLACE )?VIEW public\.slow_queries\b/i.test(s),
    fix: () => null,
  },
  {
    id: 'table-sizes-view',
    erratum:
      'view `table_sizes` joins `pg_stats` to `pg_class`: one row per column statistic, not per table. ' +
      'Skipped here: it is a view, and the facts cover tables only.',
    expectedMatches: 1,
    matches: (s) => /^CREATE (OR REPLACE )?VIEW public\.table_sizes\b/i.test(s),
    fix: () => null,
  },
];

/** The contents of every ```sql fenced block, in order. */
export function extractSqlBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const re = /^[ \t]*```sql[ \t]*\r?\n([\s\S]*?)^[ \t]*```[ \t]*$/gim;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) blocks.push(m[1]!);
  return blocks;
}

/** Removes leading `--` and block comments and whitespace. */
export function stripLeadingComments(sql: string): string {
  let s = sql;
  for (;;) {
    const t = s.replace(/^\s+/, '');
    if (t.startsWith('--')) {
      const nl = t.indexOf('\n');
      s = nl < 0 ? '' : t.slice(nl + 1);
    } else if (t.startsWith('/*')) {
      const end = t.indexOf('*/');
      s = end < 0 ? '' : t.slice(end + 2);
    } else return t;
  }
}

/**
 * Splits SQL text into statements on top-level semicolons, respecting '...' (and E'...') literals,
 * "..." identifiers, $tag$...$tag$ bodies, -- line comments and (nested) block comments.
 * Statements are trimmed, without the semicolon; comment-only pieces are dropped.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  const push = (end: number) => {
    const stmt = sql.slice(start, end).trim();
    if (stripLeadingComments(stmt) !== '') out.push(stmt);
  };
  while (i < n) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (ch === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2));
        else if (sql[i] === '*' && sql[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
    } else if (ch === "'") {
      const escapes = i > 0 && /[eE]/.test(sql[i - 1]!) && (i < 2 || !/[\w$]/.test(sql[i - 2]!));
      i++;
      while (i < n) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
    } else if (ch === '"') {
      i++;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') break;
        else i++;
      }
      i++;
    } else if (ch === '$' && (i === 0 || !/[\w$]/.test(sql[i - 1]!))) {
      const m = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i));
      if (m) {
        const tag = m[0];
        const end = sql.indexOf(tag, i + tag.length);
        if (end < 0) throw new Error(`unterminated dollar-quoted string ${tag} at offset ${i}`);
        i = end + tag.length;
      } else i++;
    } else if (ch === ';') {
      push(i);
      i++;
      start = i;
    } else i++;
  }
  push(n);
  return out;
}

const RLS_STATEMENT = /^(CREATE\s+POLICY\b|ALTER\s+TABLE\b[\s\S]*\bENABLE\s+ROW\s+LEVEL\s+SECURITY$)/i;

export interface GenerateResult {
  facts: string[];
  sourceSha256: string;
  warnings: string[];
}

/** Applies the seed (errata fixed) to a scratch PGlite and reads its facts. */
export async function generateFacts(seedMarkdown: string): Promise<GenerateResult> {
  const statements = extractSqlBlocks(seedMarkdown).flatMap(splitStatements);
  const matchCounts = new Map<string, number>(ERRATA.map((e) => [e.id, 0]));
  const warnings: string[] = [];
  const db = await PGlite.create({ extensions: { vector, citext, uuid_ossp } });
  try {
    for (const s of AUTH_STUB) await db.exec(s);
    for (const raw of statements) {
      let stmt: string | null = raw;
      const bare = stripLeadingComments(raw);
      for (const e of ERRATA) {
        if (stmt !== null && e.matches(bare)) {
          matchCounts.set(e.id, (matchCounts.get(e.id) ?? 0) + 1);
          stmt = e.fix(bare);
        }
      }
      if (stmt === null) continue;
      try {
        await db.exec(stmt);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (RLS_STATEMENT.test(stripLeadingComments(stmt))) {
          warnings.push(`skipped RLS statement that failed (${msg}): ${oneLine(stmt)}`);
          continue;
        }
        throw new Error(
          `seed statement failed and no erratum covers it: ${msg}\n--- statement ---\n${stmt}\n---\n` +
            `If this is a known defect of the seed, add it to ERRATA in ${GENERATED_BY} with the erratum text.`,
        );
      }
    }
    for (const e of ERRATA) {
      const got = matchCounts.get(e.id) ?? 0;
      if (got !== e.expectedMatches)
        throw new Error(
          `erratum ${e.id} matched ${got} seed statement(s), expected ${e.expectedMatches}: the seed changed; ` +
            `review ERRATA in ${GENERATED_BY}`,
        );
    }
    const facts = await readSchemaFacts((text, params) => db.query(text, params), ['public']);
    const sourceSha256 = createHash('sha256').update(seedMarkdown, 'utf8').digest('hex');
    return { facts, sourceSha256, warnings };
  } finally {
    await db.close();
  }
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 120 ? `${t.slice(0, 117)}...` : t;
}

export function renderExpected(facts: string[], sourceSha256: string): string {
  const doc = { generated_by: GENERATED_BY, source: SOURCE, source_sha256: sourceSha256, facts };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The directory holding package.json, from this file's location upwards. */
export function findRepoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

/** Where the seed document is: TRIPSAGE_SEED, or shared/ beside the repository. */
export function seedDocument(repo: string): string {
  return process.env.TRIPSAGE_SEED || resolve(repo, '..', SOURCE);
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const repo = findRepoRoot();
  const seedPath = seedDocument(repo);
  const outPath = join(repo, OUTPUT);
  if (!existsSync(seedPath)) {
    // Not a silent success: a check that could not run did not pass.
    console.error(`the seed document is not at ${seedPath}: set TRIPSAGE_SEED to the path of tripsage-database-schema.md`);
    return 2;
  }
  const seed = readFileSync(seedPath, 'utf8');
  const { facts, sourceSha256, warnings } = await generateFacts(seed);
  for (const w of warnings) console.warn(`warning: ${w}`);
  const text = renderExpected(facts, sourceSha256);

  if (!check) {
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, text);
    console.log(`wrote ${OUTPUT}: ${facts.length} facts from ${SOURCE} (sha256 ${sourceSha256.slice(0, 12)}...)`);
    return 0;
  }

  const committed = existsSync(outPath) ? readFileSync(outPath, 'utf8') : null;
  if (committed === text) {
    console.log(`${OUTPUT} is up to date (${facts.length} facts)`);
    return 0;
  }
  console.error(`${OUTPUT} is out of date with ${SOURCE}.`);
  if (committed === null) {
    console.error('  the file does not exist.');
  } else {
    let old: { facts?: unknown; source_sha256?: unknown } = {};
    try {
      old = JSON.parse(committed);
    } catch {
      console.error('  the committed file is not valid JSON.');
    }
    const oldFacts = Array.isArray(old.facts) ? (old.facts as string[]) : [];
    const oldSet = new Set(oldFacts);
    const newSet = new Set(facts);
    const added = facts.filter((f) => !oldSet.has(f));
    const removed = oldFacts.filter((f) => !newSet.has(f));
    if (old.source_sha256 !== sourceSha256)
      console.error(`  source_sha256: ${String(old.source_sha256)} -> ${sourceSha256}`);
    for (const f of added) console.error(`  + ${f}`);
    for (const f of removed) console.error(`  - ${f}`);
    if (added.length === 0 && removed.length === 0 && old.source_sha256 === sourceSha256)
      console.error('  (same facts; only formatting or metadata differ)');
  }
  console.error(`Regenerate it with: npx tsx ${GENERATED_BY}`);
  return 1;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(2);
    },
  );
}
