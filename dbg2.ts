import { openDatabase } from './src/db/connect.ts';
const t0 = performance.now(); const log = (m: string) => console.log(((performance.now()-t0)/1000).toFixed(1), m);
let db = await openDatabase({}); log('open worker in-memory');
await db.close(); log('closed');
const { PGlite } = await import('@electric-sql/pglite');
const { vector } = await import('@electric-sql/pglite-pgvector');
log('imported');
const p = await PGlite.create({ extensions: { vector } }); log('main-thread pglite');
await p.close();
