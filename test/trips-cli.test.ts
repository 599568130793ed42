/**
 * The trip-planning commands as an operator runs them (separate processes, embedded database):
 * users create/list/delete, demo, export and import (all or nothing).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tripsage } from './harness/cli.ts';

/** A data directory of the case's own (no case depends on another's). */
function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'tripsage-trips-cli-'));
  return { dir, dd: ['--data-dir', join(dir, 'data')] };
}

describe('tripsage users / demo / export / import (embedded)', () => {

  it('users create (generated and given password), list, delete', async () => {
    const { dd } = fresh();
    const c = await tripsage([...dd, 'users', 'create', '--email', 'Ops@Example.TEST']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/created user ops@example\.test \(id [0-9a-f-]{36}\)/);
    expect(c.stdout).toMatch(/password: \S{20}/);
    const given = await tripsage([...dd, 'users', 'create', '--email', 'b@example.test', '--password', 'correct horse']);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).not.toMatch(/password:/);
    const dup = await tripsage([...dd, 'users', 'create', '--email', 'B@example.test', '--password', 'correct horse']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    expect(dup.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const list = await tripsage([...dd, 'users', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).map((u: { email: string }) => u.email)).toEqual(['ops@example.test', 'b@example.test']);
    const unconfirmed = await tripsage([...dd, 'users', 'delete', '--email', 'B@example.test']);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toMatch(/^tripsage: users delete removes b@example\.test and everything they own: run it again with --yes/);
    const del = await tripsage([...dd, 'users', 'delete', '--email', 'B@example.test', '--yes']);
    expect(del.code, del.stderr).toBe(0);
    const gone = await tripsage([...dd, 'users', 'delete', '--email', 'b@example.test', '--yes']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no user with email b@example\.test/);
  }, 600_000);

  it('demo creates users with trips and prints how to sign in; export → import copies them; a bad file imports nothing', async () => {
    const { dir, dd } = fresh();
    expect((await tripsage([...dd, 'users', 'create', '--email', 'ops@example.test'])).code).toBe(0);
    const demo = await tripsage([...dd, 'demo', '--users', '1']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/\[1\/2\] demo1@demo\.tripsage\.test: [23] trips, [12] chats?, \d+ searches, 3 memories/);
    expect(demo.stdout).toContain(`Serve this database:  npx tripsage --data-dir ${JSON.stringify(join(dir, 'data'))} serve`);
    expect(demo.stdout).toMatch(/password for all of them: tripsage-demo/);
    expect(demo.stdout).toMatch(/grant_type=password/);

    const exp = await tripsage([...dd, 'export', '--email', 'demo1@demo.tripsage.test']);
    expect(exp.code, exp.stderr).toBe(0);
    const doc = JSON.parse(exp.stdout);
    expect(doc).toMatchObject({ format: 'tripsage.trips', version: 1 });
    expect(doc.trips.length).toBeGreaterThanOrEqual(2);
    expect(doc.trips[0].itinerary_items.length).toBeGreaterThan(0);
    const file = join(dir, 'trips.json');
    writeFileSync(file, exp.stdout);

    const imp = await tripsage([...dd, 'import', '--email', 'ops@example.test', file]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain(`imported ${doc.trips.length} trips for ops@example.test`);
    expect(imp.stdout).toMatch(/\(2 flights, 1 accommodation, 1 transfer, \d+ itinerary items?, 1 note, 2 saved options\)/);

    // The third flight arrives before it departs: nothing of the document is imported.
    const bad = structuredClone(doc);
    const f = bad.trips[1].flights[0];
    bad.trips[1].flights.push({ ...f }, { ...f, arrival_time: '2000-01-01T00:00:00Z' });
    writeFileSync(file, JSON.stringify(bad));
    const r = await tripsage([...dd, 'import', '--email', 'ops@example.test', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/flights_time_check/);
    const invalid = await tripsage([...dd, 'import', '--email', 'ops@example.test', resolve(import.meta.dirname, '../package.json')]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/not a TripSage trips document/);
    const list = await tripsage([...dd, 'users', 'list', '--json']);
    const ops = JSON.parse(list.stdout).find((u: { email: string }) => u.email === 'ops@example.test');
    expect(ops.trips).toBe(doc.trips.length);
  }, 600_000);
});
