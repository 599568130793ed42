/**
 * What postgrest-js's own suite (docs/supabase.md, conformance) found missing, driven by
 * supabase-js against a real `tripsage serve` on both backends: relationships through views (a
 * view shows a table's key columns, so the table's foreign keys relate it, renamed, through a
 * subquery, or over another view), spreads (`...rel(…)`: to-many as arrays, to-one with `*` and
 * with aggregates, which are computed in the parent) and PostgREST's "Perhaps you meant" hint for
 * a function /rpc cannot call.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from './harness/backends.ts';
import { startRestServer, type RestServer } from './harness/rest.ts';

/** Test-only objects readable by the anon key: owners, their pets, a tag per pet, and views. */
const FIXTURE_SQL = `
CREATE TABLE public.rest_test_owners (name text PRIMARY KEY, city text);
CREATE TABLE public.rest_test_pets (id int PRIMARY KEY, owner text NOT NULL REFERENCES public.rest_test_owners, kind text, age int);
CREATE TABLE public.rest_test_tags (pet_id int PRIMARY KEY REFERENCES public.rest_test_pets, tag text);
INSERT INTO public.rest_test_owners VALUES ('ana', 'Porto'), ('bo', 'Oslo'), ('cy', 'Rome');
INSERT INTO public.rest_test_pets VALUES (1, 'ana', 'cat', 9), (2, 'ana', 'cat', 3), (3, 'ana', 'dog', 7), (4, 'bo', 'dog', 2);
INSERT INTO public.rest_test_tags VALUES (1, 'red'), (2, 'red'), (3, 'blue');
-- Renamed columns; a subquery; a view over a view.
CREATE VIEW public.rest_test_old_pets AS SELECT id AS pet_id, owner AS owned_by, age FROM public.rest_test_pets WHERE age > 5;
CREATE VIEW public.rest_test_owner_names AS SELECT o.name AS who FROM (SELECT name FROM public.rest_test_owners) o;
CREATE VIEW public.rest_test_oldest AS SELECT owned_by AS keeper, pet_id FROM public.rest_test_old_pets WHERE age > 8;
CREATE FUNCTION public.rest_test_unnamed_integer(integer) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION public.rest_test_unnamed_text(text) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION public.rest_test_pet_label(public.rest_test_pets) RETURNS text LANGUAGE sql AS 'SELECT $1.kind';
GRANT SELECT ON public.rest_test_owners, public.rest_test_pets, public.rest_test_tags, public.rest_test_old_pets,
  public.rest_test_owner_names, public.rest_test_oldest TO anon;
`;

for (const backend of testBackends()) {
  describe(`/rest/v1 view relationships, spreads and hints with supabase-js [${backend.name}]`, () => {
    let server: RestServer;
    let db: SupabaseClient;

    beforeAll(async () => {
      server = await startRestServer(backend, FIXTURE_SQL, { TRIPSAGE_REST_AGGREGATES: 'on' });
      db = server.client();
    }, 180_000);
    afterAll(async () => server?.stop());

    it('a view relates along its base table foreign keys: renamed, through a subquery, view over view, both directions', async () => {
      const toTable = await db.from('rest_test_old_pets').select('pet_id, rest_test_owners(city)').order('pet_id');
      expect(toTable).toMatchObject({ error: null, data: [{ pet_id: 1, rest_test_owners: { city: 'Porto' } }, { pet_id: 3, rest_test_owners: { city: 'Porto' } }] });
      const fromTable = await db.from('rest_test_owners').select('name, rest_test_old_pets(pet_id)').order('name');
      expect(fromTable.data).toEqual([
        { name: 'ana', rest_test_old_pets: [{ pet_id: 1 }, { pet_id: 3 }] },
        { name: 'bo', rest_test_old_pets: [] },
        { name: 'cy', rest_test_old_pets: [] },
      ]);
      const subquery = await db.from('rest_test_pets').select('id, rest_test_owner_names(who)').eq('id', 4).single();
      expect(subquery).toMatchObject({ error: null, data: { id: 4, rest_test_owner_names: { who: 'bo' } } });
      // The key's column or name still means the key's own table, views showing it notwithstanding.
      const byColumn = await db.from('rest_test_pets').select('id, owner(city)').eq('id', 4).single();
      expect(byColumn).toMatchObject({ error: null, data: { id: 4, owner: { city: 'Oslo' } } });
      const nested = await db.from('rest_test_oldest').select('keeper, rest_test_owners(city), rest_test_tags(tag)');
      expect(nested).toMatchObject({ error: null, data: [{ keeper: 'ana', rest_test_owners: { city: 'Porto' }, rest_test_tags: { tag: 'red' } }] });
    });

    it('a to-many spread gives each column as an array; !inner drops the rows without any', async () => {
      const { data, error } = await db.from('rest_test_owners').select('name, ...rest_test_pets(pet:id, kind)').order('name').order('id', { referencedTable: 'rest_test_pets' });
      expect(error).toBeNull();
      expect(data).toEqual([
        { name: 'ana', pet: [1, 2, 3], kind: ['cat', 'cat', 'dog'] },
        { name: 'bo', pet: [4], kind: ['dog'] },
        { name: 'cy', pet: [], kind: [] },
      ]);
      const inner = await db.from('rest_test_owners').select('name, ...rest_test_pets!inner(id)').order('name');
      expect(inner.data).toEqual([{ name: 'ana', id: [1, 2, 3] }, { name: 'bo', id: [4] }]);
    });

    it('a to-one spread with * beside an aggregate, and aggregates inside a spread, group in the parent', async () => {
      const star = await db.from('rest_test_owners').select('name, rest_test_pets(count(), ...rest_test_tags(*))').eq('name', 'ana').single();
      expect(star.error).toBeNull();
      expect(sortBy(star.data!.rest_test_pets, 'pet_id')).toEqual([
        { count: 1, pet_id: 1, tag: 'red' },
        { count: 1, pet_id: 2, tag: 'red' },
        { count: 1, pet_id: 3, tag: 'blue' },
      ]);
      const hoisted = await db.from('rest_test_owners').select('name, rest_test_pets(age.sum(), ...rest_test_tags(tagged:pet_id.count(), tag))').eq('name', 'ana').single();
      expect(hoisted.error).toBeNull();
      expect(sortBy(hoisted.data!.rest_test_pets, 'tag')).toEqual([{ sum: 7, tagged: 1, tag: 'blue' }, { sum: 12, tagged: 2, tag: 'red' }]);
    });

    it('rpc to a function /rpc cannot call: the nearest callable name as the hint, never a function of one row', async () => {
      const unnamed = await db.rpc('rest_test_unnamed_integer', { '': 1 });
      expect(unnamed.error).toMatchObject({ code: 'PGRST202', hint: 'Perhaps you meant to call the function public.rest_test_unnamed_text' });
      const computed = await db.rpc('rest_test_pet_label');
      expect(computed.error).toMatchObject({ code: 'PGRST202', hint: null });
    });
  });
}

function sortBy<T extends Record<string, unknown>>(rows: T[], key: keyof T): T[] {
  return [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}
