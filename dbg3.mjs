import { openDatabase } from './dist/db/connect.js';
const t0 = performance.now(); const log = (m) => console.log(((performance.now()-t0)/1000).toFixed(1), m);
let db = await openDatabase({}); log('open worker in-memory (dist)');
await db.close(); log('closed');
