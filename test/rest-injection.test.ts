/**
 * SQL injection through /rest/v1's query strings, with fast-check on both backends. Requests are
 * generated from hostile identifiers (quotes, semicolons, comments, unicode), known and unknown
 * operators, hostile values and nested logic trees. Two properties:
 *
 * - the SQL built for any request carries nothing of the request outside quoted identifiers and
 *   bound parameters (checked on the statement text, for reads and writes);
 * - served for real, no request is answered with a 5xx, and the canary table survives untouched.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { App } from '../src/http/app.ts';
import { RestError } from '../src/rest/errors.ts';
import { parseBody } from '../src/rest/payload.ts';
import { planRead, tableRoot } from '../src/rest/plan-read.ts';
import type { PlanEnv } from '../src/rest/plan-types.ts';
import { parseQueryParams } from '../src/rest/query-params.ts';
import { loadSchemaCache } from '../src/rest/schema-cache.ts';
import { Params } from '../src/rest/sql-fragments.ts';
import { countSql, readSql } from '../src/rest/sql-read.ts';
import { insertSql } from '../src/rest/sql-write.ts';
import { describeEachBackend } from './harness/backends.ts';
import { buildTestApp, makeUser, type TestUser } from './harness/http.ts';

/** A character no statement of ours contains: if it survives outside quotes, the request wrote SQL. */
const MARK = 'Ξ';
const hostile = fc.string({ minLength: 1, maxLength: 10, unit: fc.constantFrom(MARK, "'", '"', ';', '-', '/', '*', ')', '(', ' ', '$', '1', 'a', '\\', ',', '.', ':') });
const tripColumns = fc.constantFrom('id', 'name', 'budget', 'flexibility', 'status', 'description', 'user_id', 'start_date');
const flightColumns = fc.constantFrom('id', 'trip_id', 'origin', 'price', 'departure_time');
/** Mostly real columns (so requests get as far as SQL), sometimes hostile names. */
const ident = fc.oneof({ arbitrary: tripColumns, weight: 9 }, { arbitrary: hostile, weight: 1 });
const op = fc.oneof(
  { arbitrary: fc.constantFrom('eq', 'neq', 'gt', 'lte', 'like', 'ilike', 'match', 'imatch', 'in', 'cs', 'fts', 'plfts', 'wfts', 'isdistinct'), weight: 9 },
  { arbitrary: fc.constantFrom('drop', 'eq;', '', 'is'), weight: 1 },
);
const value = fc.oneof(hostile, fc.constantFrom('null', '1', `(${MARK}'),1`, `{"${MARK}"}`));
const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const filter = fc.tuple(ident, fc.boolean(), op, value).map(([c, not, o, v]) => `${q(c)}.${not ? 'not.' : ''}${o}.${o === 'in' ? `(${q(v)})` : q(v)}`);
const logic: fc.Arbitrary<string> = fc.letrec<{ t: string }>((tie) => ({
  t: fc.tuple(fc.boolean(), fc.constantFrom('and', 'or'), fc.array(fc.oneof({ depthSize: 'small' }, filter, tie('t')), { minLength: 1, maxLength: 3 }))
    .map(([not, o, kids]) => `${not ? 'not.' : ''}${o}(${kids.join(',')})`),
})).t;
const selectItem = fc.oneof(
  ident.map(q),
  fc.tuple(hostile, ident).map(([a, c]) => `${q(a)}:${q(c)}`),
  fc.tuple(ident, fc.constantFrom('text', 'int', 'jsonb')).map(([c, t]) => `${q(c)}::${t}`),
  fc.tuple(hostile, hostile).map(([a, k]) => `${q(a)}:flexibility->${q(k)}->>${q(k)}`),
  fc.tuple(hostile, flightColumns).map(([a, c]) => `${q(a)}:flights(${q(c)})`),
);
const request = fc.record({
  table: fc.oneof({ arbitrary: fc.constant('trips'), weight: 9 }, { arbitrary: hostile, weight: 1 }),
  select: fc.array(selectItem, { minLength: 1, maxLength: 4 }).map((x) => x.join(',')),
  filters: fc.array(fc.tuple(ident, fc.boolean(), op, value), { maxLength: 3 }),
  logic: fc.option(logic, { nil: undefined }),
  order: fc.option(fc.tuple(ident, fc.constantFrom('asc', 'desc', 'desc.nullsfirst')), { nil: undefined }),
});
type Req = typeof request extends fc.Arbitrary<infer T> ? T : never;

function queryString(r: Req): string {
  const parts = [`select=${encodeURIComponent(r.select)}`];
  for (const [c, not, o, v] of r.filters) parts.push(`${encodeURIComponent(q(c))}=${encodeURIComponent(`${not ? 'not.' : ''}${o}.${o === 'in' ? `(${q(v)})` : v}`)}`);
  const tree = r.logic === undefined ? null : /^((?:not\.)?(?:and|or))(\(.*\))$/s.exec(r.logic);
  if (tree) parts.push(`${tree[1]}=${encodeURIComponent(tree[2]!)}`);
  if (r.order) parts.push(`order=${encodeURIComponent(`${q(r.order[0])}.${r.order[1]}`)}`);
  return parts.join('&');
}

/** The statement with quoted identifiers, string literals and $n placeholders taken out. */
const skeleton = (sql: string) => sql.replace(/"(?:[^"]|"")*"/g, '').replace(/'(?:[^']|'')*'/g, '').replace(/\$\d+/g, '');

describeEachBackend('/rest/v1 SQL injection (fast-check)', (ctx) => {
  let env: PlanEnv;
  let app: App;
  let user: TestUser;

  beforeAll(async () => {
    await ctx.db.query('CREATE TABLE public.rest_canary (id int PRIMARY KEY)');
    await ctx.db.query('INSERT INTO public.rest_canary VALUES (1)');
    await ctx.db.query('GRANT SELECT ON public.rest_canary TO authenticated');
    env = { cache: await loadSchemaCache(ctx.db, ['public']), schema: 'public', maxRows: 1000, maxDepth: 8, maxEmbeds: 32, aggregates: false };
    const t = await buildTestApp(ctx.db, { TRIPSAGE_MAX_EVENT_LOOP_DELAY_MS: '0' });
    app = t.app;
    user = await makeUser(t, ctx.db);
  });

  it('no request text reaches the SQL outside quoted identifiers and bound parameters (reads and writes)', () => {
    let built = 0;
    fc.assert(fc.property(request, fc.dictionary(ident, value, { maxKeys: 4 }), (r, body) => {
      let sqls: string[];
      try {
        const query = parseQueryParams(queryString(r));
        const node = planRead(env, tableRoot(env, r.table).root, query, { capRoot: true });
        const p = new Params();
        sqls = [readSql(node, p), countSql(node, p)];
        const { table } = tableRoot(env, r.table);
        const payload = parseBody(JSON.stringify(body), 'application/json', true);
        const columns = payload.keys.map((k) => table.columns.get(k)).filter((c) => c !== undefined);
        sqls.push(insertSql({ table, payload: { json: payload.json, isArray: false, columns, defaults: true }, returning: 'all' }, p));
      } catch (e) {
        if (e instanceof RestError) return; // refused before any SQL was written
        throw e;
      }
      built++;
      for (const sql of sqls) {
        const rest = skeleton(sql);
        expect(rest).not.toContain(MARK);
        expect(rest).not.toContain(';');
        expect(rest).not.toMatch(/["']/); // every quote belongs to a complete identifier or literal
      }
    }), { numRuns: 400 });
    // The property is only as good as the requests that get as far as SQL.
    expect(built).toBeGreaterThan(100);
  });

  it('served for real: never a 5xx, and the canary table is untouched', async () => {
    /** Requests that reached the database: answered, or refused by PostgreSQL itself (a SQLSTATE). */
    let reached = 0;
    await fc.assert(fc.asyncProperty(request, async (r) => {
      const res = await app.inject({ method: 'GET', url: `/rest/v1/${encodeURIComponent(r.table)}?${queryString(r)}`, headers: user.headers });
      expect(res.statusCode, res.body).toBeLessThan(500);
      if (res.statusCode >= 400) expect(Object.keys(res.json()).sort()).toEqual(['code', 'details', 'hint', 'message']);
      if (res.statusCode === 200 || !String(res.json().code).startsWith('PGRST')) reached++;
    }), { numRuns: 120 });
    expect(reached).toBeGreaterThan(40);
    const canary = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.rest_canary');
    expect(canary.rows[0]!.n).toBe(1);
  }, 300_000);
});
