/**
 * SQL of price tracking. All money math happens here, in NUMERIC: values leave the database as
 * exact decimal strings and are never added, averaged or compared in JavaScript. Every statistic
 * is per currency: prices in different currencies are never mixed.
 *
 * Percentiles follow percentile_cont's definition (linear interpolation between the two nearest
 * ranks of the sorted values) but on NUMERIC: PostgreSQL's own percentile_cont only accepts
 * double precision, which would round money. For a sorted array a[1..n] and fraction p:
 *
 *   pos = p·(n−1);  value = a[⌊pos⌋+1] + (pos − ⌊pos⌋)·(a[⌈pos⌉+1] − a[⌊pos⌋+1])
 */
import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../db/transaction.ts';

export interface PriceInput {
  entity_type: string;
  entity_ref: string;
  price: string;
  currency: string;
  timestamp: string;
  source: string;
}

export const PRICE_COLUMNS = ['id', 'entity_type', 'entity_ref', 'price', 'currency', 'timestamp', 'source', 'created_at'] as const;

/** The exact percentile `p` (a constant such as '0.5') of `sorted` (numeric[], ascending) of length `n`. */
function pct(p: '0.1' | '0.5' | '0.9', sorted = 'sorted', n = 'n'): RawBuilder<string> {
  const pos = `(${p} * (${n} - 1))`;
  const lo = `${sorted}[floor${pos}::int + 1]`;
  const hi = `${sorted}[ceil${pos}::int + 1]`;
  return sql.raw<string>(`trim_scale(${lo} + (${pos} - floor${pos}) * (${hi} - ${lo}))`);
}

export async function insertPrices(trx: Tx, rows: PriceInput[]): Promise<Record<string, unknown>[]> {
  if (!rows.length) return [];
  return trx.insertInto('price_history').values(rows).returning([...PRICE_COLUMNS]).execute() as Promise<Record<string, unknown>[]>;
}

export interface HistoryQuery {
  from?: string;
  to?: string;
  currency?: string;
  limit: number;
  offset: number;
}

export async function priceHistory(trx: Tx, entityRef: string, q: HistoryQuery): Promise<Record<string, unknown>[]> {
  let query = trx.selectFrom('price_history').select([...PRICE_COLUMNS]).where('entity_ref', '=', entityRef);
  if (q.from) query = query.where('timestamp', '>=', q.from as never);
  if (q.to) query = query.where('timestamp', '<', q.to as never);
  if (q.currency) query = query.where('currency', '=', q.currency);
  return query.orderBy('timestamp', 'asc').orderBy('id', 'asc').limit(q.limit).offset(q.offset).execute() as Promise<Record<string, unknown>[]>;
}

export interface CurrencyStats {
  currency: string;
  count: number;
  min: string;
  max: string;
  mean: string;
  median: string;
  p10: string;
  p90: string;
  latest: { price: string; timestamp: string };
}

export async function priceStats(trx: Tx, entityRef: string, q: { from?: string; to?: string }): Promise<CurrencyStats[]> {
  const r = await sql<Omit<CurrencyStats, 'latest'> & { latest_price: string; latest_at: string }>`
    WITH g AS (
      SELECT currency,
             count(*)::int AS n,
             min(price) AS min,
             max(price) AS max,
             trim_scale(avg(price)) AS mean,
             array_agg(price ORDER BY price) AS sorted,
             (array_agg(price ORDER BY "timestamp" DESC, id DESC))[1] AS latest_price,
             max("timestamp") AS latest_at
      FROM public.price_history
      WHERE entity_ref = ${entityRef}
        AND (${q.from ?? null}::timestamptz IS NULL OR "timestamp" >= ${q.from ?? null}::timestamptz)
        AND (${q.to ?? null}::timestamptz IS NULL OR "timestamp" < ${q.to ?? null}::timestamptz)
      GROUP BY currency
    )
    SELECT currency, n AS count, min, max, mean,
           ${pct('0.5')} AS median, ${pct('0.1')} AS p10, ${pct('0.9')} AS p90,
           latest_price, latest_at
    FROM g
    ORDER BY currency`.execute(trx);
  return r.rows.map(({ latest_price, latest_at, ...s }) => ({ ...s, latest: { price: latest_price, timestamp: latest_at } }));
}

export interface DealQuery {
  entityType?: string;
  /** Only this entity (the assistant's price_insights). */
  entityRef?: string;
  windowDays: number;
  /** Fraction below the trailing median, e.g. '0.2' for 20 %. */
  threshold: string;
  minObservations: number;
  currency?: string;
  limit: number;
}

export interface DealRow {
  entity_type: string;
  entity_ref: string;
  currency: string;
  verdict: 'deal' | 'insufficient_history';
  latest_price: string;
  latest_at: string;
  /** Observations in the window before the latest one (the reference set). */
  observations: number;
  median: string | null;
  p10: string | null;
  /** (1 − threshold) × median: the latest price must be below it. */
  bound: string | null;
  /** 1 − latest / median, rounded to 4 places (0.25 = 25 % below the median). */
  discount: string | null;
}

/**
 * The deal rule (docs/operations-jobs.md): per entity and currency, the latest observation in the
 * window is a deal when, against the observations in the window before it (at least
 * `minObservations` of them, otherwise no verdict),
 *   latest < (1 − threshold) × median   AND   latest ≤ p10.
 * Returns the deals (largest discount first) and the entities without a verdict; entities
 * judged "no deal" are counted only.
 */
export async function findDeals(trx: Tx, q: DealQuery): Promise<{ rows: DealRow[]; evaluated: number }> {
  const r = await sql<DealRow & { evaluated: number }>`
    WITH w AS (
      SELECT entity_type, entity_ref, currency, price, "timestamp",
             row_number() OVER (PARTITION BY entity_type, entity_ref, currency ORDER BY "timestamp" DESC, id DESC) AS rn
      FROM public.price_history
      WHERE "timestamp" > now() - make_interval(days => ${q.windowDays}::int)
        AND "timestamp" <= now()
        AND (${q.entityType ?? null}::text IS NULL OR entity_type = ${q.entityType ?? null}::text)
        AND (${q.entityRef ?? null}::text IS NULL OR entity_ref = ${q.entityRef ?? null}::text)
        AND (${q.currency ?? null}::text IS NULL OR currency = ${q.currency ?? null}::text)
    ),
    ref AS (
      SELECT entity_type, entity_ref, currency, count(*)::int AS n, array_agg(price ORDER BY price) AS sorted
      FROM w WHERE rn > 1
      GROUP BY entity_type, entity_ref, currency
    ),
    j AS (
      SELECT l.entity_type, l.entity_ref, l.currency, l.price AS latest_price, l."timestamp" AS latest_at,
             coalesce(ref.n, 0) AS n, ref.sorted
      FROM w AS l LEFT JOIN ref USING (entity_type, entity_ref, currency)
      WHERE l.rn = 1
    ),
    s AS (
      SELECT j.*,
             CASE WHEN n >= ${q.minObservations}::int THEN ${pct('0.5')} END AS median,
             CASE WHEN n >= ${q.minObservations}::int THEN ${pct('0.1')} END AS p10
      FROM j
    ),
    v AS (
      SELECT s.*,
             trim_scale((1 - ${q.threshold}::numeric) * median) AS bound,
             CASE WHEN median > 0 THEN round(1 - latest_price / median, 4) END AS discount,
             CASE
               WHEN n < ${q.minObservations}::int THEN 'insufficient_history'
               WHEN latest_price < (1 - ${q.threshold}::numeric) * median AND latest_price <= p10 THEN 'deal'
               ELSE 'no_deal'
             END AS verdict
      FROM s
    )
    SELECT (SELECT count(*) FROM v WHERE verdict <> 'insufficient_history')::int AS evaluated, x.*
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT entity_type, entity_ref, currency, verdict, latest_price, latest_at, n AS observations,
             median, p10, bound, discount
      FROM v
      WHERE verdict <> 'no_deal'
      ORDER BY v.verdict = 'deal' DESC, v.discount DESC NULLS LAST, v.entity_type, v.entity_ref, v.currency
      LIMIT ${q.limit}::int
    ) AS x ON true`.execute(trx);
  const evaluated = r.rows[0]?.evaluated ?? 0;
  return { rows: r.rows.filter((x) => x.entity_ref !== null).map(({ evaluated: _e, ...x }) => x), evaluated };
}
