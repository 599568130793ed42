import { openDatabase } from './src/db/connect.ts';
import { migrate } from './src/db/migrate.ts';
import { buildTestApp, makeUser } from './test/harness/http.ts';
const db = await openDatabase({});
await migrate(db, { log: () => {} });
const t = await buildTestApp(db);
const u = await makeUser(t, db);
for (const [prefer, q] of [['resolution=merge-duplicates,return=representation', 'on_conflict=user_id,service_name,key_name&select=key_name'], ['return=representation', 'select=key_name'], ['return=minimal', '']]) {
  const r = await t.app.inject({ method: 'POST', url: `/rest/v1/api_keys?${q}`, headers: { ...u.headers, 'content-type': 'application/json', prefer }, payload: { service_name: 'x' + Math.random(), key_name: 'm', encrypted_value: 'v' } });
  console.log(prefer, r.statusCode, r.body);
}
await t.app.close(); await db.close();
