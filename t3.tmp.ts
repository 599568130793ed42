import { openDatabase } from './src/db/connect.ts';
import { loadSchemaCache } from './src/rest/schema-cache.ts';
const db = await openDatabase({ dataDir: '/tmp/rest-conf/data' });
for (let i = 0; i < 4; i++) { const t = Date.now(); await loadSchemaCache(db, ['public', 'personal']); console.log('load', Date.now() - t); }
await db.close();
