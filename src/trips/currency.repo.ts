/**
 * SQL of currencies: the ISO 4217 list the database checks against, and exchange rates (written
 * by service_role, read by signed-in users). Conversion itself is SQL (public.convert_amount, used
 * by the summary in planning.repo.ts).
 */
import { sql } from 'kysely';
import type { Tx } from '../db/transaction.ts';

export interface RateInput {
  base: string;
  quote: string;
  rate: string;
  as_of: string;
  source?: string | null;
}

const RATE_COLUMNS = ['id', 'base', 'quote', 'rate', 'as_of', 'source', 'created_at', 'updated_at'] as const;

/** The codes public.currency_code accepts. */
export async function currencyCodes(trx: Tx): Promise<string[]> {
  const r = await sql<{ codes: string[] }>`SELECT public.iso_currency_codes() AS codes`.execute(trx);
  return r.rows[0]!.codes;
}

/**
 * Writes rates; a rate for a (base, quote, as_of) that exists replaces it, and so does a later one
 * in the same batch (one statement may not touch a row twice). Returns how many rows were written.
 * The caller bounds the batch.
 */
export async function upsertRates(trx: Tx, rates: readonly RateInput[]): Promise<number> {
  if (!rates.length) return 0;
  const latest = [...new Map(rates.map((x) => [`${x.base}/${x.quote}/${x.as_of}`, x])).values()];
  const r = await trx.insertInto('exchange_rates')
    .values(latest.map((x) => ({ base: x.base, quote: x.quote, rate: x.rate, as_of: x.as_of, source: x.source ?? null })))
    .onConflict((oc) => oc.columns(['base', 'quote', 'as_of']).doUpdateSet({
      rate: (eb) => eb.ref('excluded.rate'),
      source: (eb) => eb.ref('excluded.source'),
    }))
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

export interface RateQuery {
  base?: string;
  quote?: string;
  /** Rates on or before this day. */
  on_or_before?: string;
  limit: number;
  offset: number;
}

/** Rates, newest day first. */
export async function listRates(trx: Tx, q: RateQuery) {
  let query = trx.selectFrom('exchange_rates').select(RATE_COLUMNS);
  if (q.base) query = query.where('base', '=', q.base);
  if (q.quote) query = query.where('quote', '=', q.quote);
  if (q.on_or_before) query = query.where('as_of', '<=', q.on_or_before);
  return query.orderBy('as_of', 'desc').orderBy('base').orderBy('quote').limit(q.limit).offset(q.offset).execute();
}
