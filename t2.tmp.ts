import { openDatabase } from './src/db/connect.ts';
import { migrate } from './src/db/migrate.ts';
import { createUser } from './test/harness/backends.ts';
const db = await openDatabase({});
await migrate(db, { log: () => {} });
const id = await createUser(db);
const p = (db as any).pglite;
const tries = [
  `INSERT INTO public.api_keys (service_name, key_name, encrypted_value) VALUES ('a','b','c') ON CONFLICT (user_id, service_name, key_name) DO NOTHING`,
  `INSERT INTO public.api_keys (service_name, key_name, encrypted_value) VALUES ('a','b','c') ON CONFLICT (user_id, service_name, key_name) DO UPDATE SET encrypted_value = EXCLUDED.encrypted_value`,
  `INSERT INTO public.api_keys (service_name, key_name, encrypted_value) VALUES ('a','b','c') ON CONFLICT ON CONSTRAINT api_keys_user_service_key_unique DO UPDATE SET encrypted_value = 'x'`,
];
for (const q of tries) {
  try { await p.exec(`BEGIN; SET LOCAL role authenticated; SELECT set_config('request.jwt.claims', '{"sub":"${id}","role":"authenticated"}', true); ${q}; ROLLBACK;`); console.log('ok', q.slice(90)); } catch (e: any) { console.log('ERR', e.message, q.slice(90)); await p.exec('ROLLBACK'); }
}
await db.close();
