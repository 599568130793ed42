import { openDatabase } from './src/db/connect.ts';
import { TABLES_SQL, COLUMNS_SQL, FOREIGN_KEYS_SQL, FUNCTIONS_SQL } from './src/rest/schema-cache.sql.ts';
const db = await openDatabase({ dataDir: '/tmp/rest-conf/data' });
for (const [n, q] of Object.entries({ TABLES_SQL, COLUMNS_SQL, FOREIGN_KEYS_SQL, FUNCTIONS_SQL })) {
  await db.query(q, [['public','personal']]);
  const t = Date.now(); const r = await db.query<any>('EXPLAIN (ANALYZE, FORMAT JSON) ' + q, [['public','personal']]); const plan = r.rows[0]['QUERY PLAN'][0];
  console.log(n, 'wall', Date.now() - t, 'exec', plan['Execution Time'], 'plan', plan['Planning Time']);
}
await db.close();
