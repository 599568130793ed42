import { openDatabase } from './src/db/connect.ts';
import { migrate } from './src/db/migrate.ts';
const db = await openDatabase({});
await migrate(db, { log: () => {} });
const r = await db.query<any>(`SELECT p.proname, pg_get_function_identity_arguments(p.oid) args, p.prosecdef, has_function_privilege('anon', p.oid, 'EXECUTE') anon, has_function_privilege('authenticated', p.oid, 'EXECUTE') auth, format_type(p.prorettype,null) ret FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1`);
console.table(r.rows);
await db.close();
