/**
 * `tripsage demo`: demo users with realistic trips (budgets in their home currency, flights in
 * euros converted with demo exchange rates), itineraries, saved options, notes, a trip
 * comparison, chats, search history, memories (where the memory table exists), a price series,
 * and the first user's next trip shared with the second (a collaborator) and by a read-only link
 * — every feature has something to show on the day it is made. Deterministic: the same seed on
 * the same day gives the same data (demo.generate.ts), except generated ids, write timestamps and
 * the password hash's salt. Re-running replaces the demo users and the demo price series.
 *
 * All of it is one transaction, so a failure leaves nothing half-made: first as service_role
 * (the identities, the shared price series), then as each demo user in turn (set_config of role
 * and claims, as for a request), so everything a user owns is written under RLS. The memories
 * are embedded before the transaction opens (a provider call must not hold one open).
 */
import { sql } from 'kysely';
import { insertAccount } from '../accounts/accounts.ts';
import { hashPassword } from '../auth/passwords.ts';
import { relationExists } from '../db/catalog.ts';
import type { Database } from '../db/database.ts';
import { asCaller, becomeCaller, SERVICE, userCaller, type Tx } from '../db/transaction.ts';
import { createEmbedder, embedderConfigFromEnv, type Embedder } from '../memory/embedders.ts';
import { prepareMemories, storeMemories } from '../memory/memory.service.ts';
import type { NewMemory } from '../memory/memory.repo.ts';
import { messagesRepo, sessionsRepo } from '../chat/chat.repo.ts';
import { computeComparison } from './planning.service.ts';
import * as collaborators from './collaborators.service.ts';
import * as shareLinks from './share-links.service.ts';
import { DEMO_SOURCE, demoEmail as emailOf, planPrices, planRates, planUser, type TripPlan, type UserPlan } from './demo.generate.ts';
import {
  accommodationsRepo, comparisonsRepo, flightsRepo, itineraryItemsRepo, notesRepo, savedOptionsRepo, transportationRepo, tripsRepo,
} from './trips.repo.ts';

export const DEMO_PASSWORD = 'tripsage-demo';
export const DEMO_DOMAIN = 'demo.tripsage.test';
export { DEMO_SOURCE };
export const demoEmail = (n: number) => emailOf(n, DEMO_DOMAIN);

export interface DemoOptions {
  users?: number;
  seed?: number;
  /** "Today" for the dates (default: now). */
  now?: Date;
  /** The embedder for the memories (default: the server's, from TRIPSAGE_EMBEDDINGS*). */
  embedder?: Embedder;
  /** After each user, then after the price series. */
  onProgress?(done: number, total: number, what: DemoUser | { priceHistoryRows: number }): void;
}

export interface DemoUser {
  email: string;
  id: string;
  trips: number;
  chats: number;
  searches: number;
  memories: number;
}

export interface DemoResult {
  users: DemoUser[];
  password: string;
  priceHistoryRows: number;
  /** The first user's next trip, readable by anyone with this path (a share link). */
  sharedTripPath: string;
  /** Written, or why not. */
  memories: string;
}

/**
 * The embedder the server would search with, when it can run without a user's own key. With the
 * OpenAI-compatible provider and no server key each user embeds with their stored key, which
 * demo users do not have.
 */
function demoEmbedder(opts: DemoOptions): Embedder | string {
  if (opts.embedder) return opts.embedder;
  const config = embedderConfigFromEnv();
  if (config.provider === 'openai' && !config.apiKey) {
    return 'skipped: the embedder needs each user\'s own OpenAI key (TRIPSAGE_EMBEDDINGS=openai without TRIPSAGE_EMBEDDINGS_API_KEY)';
  }
  return createEmbedder(config);
}

async function writeTrip(trx: Tx, userId: string, p: TripPlan): Promise<number> {
  const { id } = await tripsRepo.insert(trx, { ...p.trip, user_id: userId });
  const under = { trip_id: id };
  const owned = { trip_id: id, user_id: userId };
  await flightsRepo.insertMany(trx, p.flights.map((r) => ({ ...r, ...under })));
  await accommodationsRepo.insertMany(trx, p.accommodations.map((r) => ({ ...r, ...under })));
  await transportationRepo.insertMany(trx, p.transportation.map((r) => ({ ...r, ...under })));
  await itineraryItemsRepo.insertMany(trx, p.itinerary_items.map((r) => ({ ...r, ...under })));
  await savedOptionsRepo.insertMany(trx, p.saved_options.map((r) => ({ ...r, ...owned })));
  await notesRepo.insertMany(trx, p.notes.map((r) => ({ ...r, ...owned })));
  return id;
}

/**
 * Everything the user owns, as that user (the transaction has become them); the trip ids, the
 * first being the past trip.
 */
async function writeUser(trx: Tx, userId: string, p: UserPlan, memories: NewMemory[]): Promise<number[]> {
  const tripIds: number[] = [];
  for (const t of p.trips) tripIds.push(await writeTrip(trx, userId, t));
  await comparisonsRepo.insert(trx, {
    user_id: userId, title: 'Which trip next?', description: 'All my demo trips side by side',
    comparison_data: await computeComparison(trx, tripIds),
  });
  for (const c of p.chats) {
    const s = await sessionsRepo.insert(trx, { user_id: userId, title: c.title, context_data: c.context_data });
    await messagesRepo.insertMany(trx, c.messages.map((m) => ({ ...m, session_id: s.id })));
  }
  if (p.searches.length) await trx.insertInto('search_history').values(p.searches.map((s) => ({ ...s, user_id: userId }))).execute();
  if (memories.length) await storeMemories(trx, userId, memories);
  return tripIds;
}

/** The first user's next trip: the second user joins it as a viewer, and a read-only link shows it. */
async function shareNextTrip(trx: Tx, tripId: number, withEmail: string | undefined): Promise<string> {
  if (withEmail) await collaborators.invite(trx, tripId, withEmail, 'viewer');
  return (await shareLinks.createLink(trx, tripId, { include_costs: false, expires_at: null })).path;
}

export async function createDemo(db: Database, opts: DemoOptions = {}): Promise<DemoResult> {
  const seed = opts.seed ?? 42;
  const now = opts.now ?? new Date();
  const plans = Array.from({ length: opts.users ?? 3 }, (_, i) => planUser(i + 1, seed, now, DEMO_DOMAIN));
  const total = plans.length + 1;
  const hash = await hashPassword(DEMO_PASSWORD);
  const embedder = (await relationExists(db, 'public.memory_embeddings'))
    ? demoEmbedder(opts)
    : 'skipped: no memory_embeddings table (TRIPSAGE_MEMORY=off or no pgvector)';
  const memories = typeof embedder === 'string' ? plans.map(() => []) : await Promise.all(plans.map((p) => prepareMemories(embedder, p.memories)));
  const prices = planPrices(seed, now);

  return asCaller(db, SERVICE, async (trx) => {
    const ids: string[] = [];
    for (const p of plans) {
      await sql`DELETE FROM auth.users WHERE lower(email) = ${p.email}`.execute(trx);
      ids.push(await insertAccount(trx, p.email, hash, { name: p.name, demo: true }));
    }
    await trx.deleteFrom('price_history').where('source', '=', DEMO_SOURCE).execute();
    await trx.insertInto('price_history').values(prices).execute();
    // Shared reference data: an operator's own rate for a day is never overwritten.
    await trx.insertInto('exchange_rates').values(planRates(now)).onConflict((oc) => oc.columns(['base', 'quote', 'as_of']).doNothing()).execute();

    const users: DemoUser[] = [];
    let sharedTripPath = '';
    for (const [i, p] of plans.entries()) {
      await becomeCaller(trx, userCaller(ids[i]!)); // from here on RLS decides, as for a request
      const tripIds = await writeUser(trx, ids[i]!, p, memories[i]!);
      if (i === 0) sharedTripPath = await shareNextTrip(trx, tripIds[1]!, plans[1]?.email);
      const u = { email: p.email, id: ids[i]!, trips: p.trips.length, chats: p.chats.length, searches: p.searches.length, memories: memories[i]!.length };
      users.push(u);
      opts.onProgress?.(i + 1, total, u);
    }
    opts.onProgress?.(total, total, { priceHistoryRows: prices.length });
    return {
      users,
      password: DEMO_PASSWORD,
      priceHistoryRows: prices.length,
      sharedTripPath,
      memories: typeof embedder === 'string' ? embedder : `written (embedded with ${embedder.model})`,
    };
  });
}
