import { openDatabase } from './src/db/connect.ts';
import { COLUMNS_SQL, FUNCTIONS_SQL } from './src/rest/schema-cache.sql.ts';
const db = await openDatabase({ dataDir: '/tmp/rest-conf/data' });
for (const q of [FUNCTIONS_SQL, COLUMNS_SQL]) {
  await db.query(q, [['public','personal']]);
  const r = await db.query<any>('EXPLAIN (ANALYZE) ' + q, [['public','personal']]);
  console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
}
await db.close();
