/**
 * Reads the live PostgreSQL catalog and describes the tables of some schemas as a sorted list of
 * one-line facts. The schema conformance test compares these facts with the ones generated from the
 * seed document (`scripts/gen-expected-schema.ts` -> `test/conformance/expected-schema.json`).
 *
 * The output is identical on native PostgreSQL 15 and on PGlite (PostgreSQL 18), and does not
 * depend on whether the extensions (vector, citext, uuid-ossp) live in `public` or in a schema
 * named `extensions`: a qualification `extensions.` is removed from type names and expressions.
 *
 * Fact formats (names in the leading position are raw; column lists in parentheses are quoted as
 * SQL identifiers, e.g. `"timestamp"`):
 *
 *   table S.T
 *   column S.T.C <type>[ collate X][ not null][ default <expr> | identity always | identity by default
 *                | generated always as (<expr>) stored | generated always as (<expr>) virtual]
 *   constraint S.T.N primary key (c1, c2)[ deferrable[ initially deferred]]
 *   constraint S.T.N unique (c1, c2)[ nulls not distinct][ deferrable[ initially deferred]]
 *   constraint S.T.N foreign key (c) -> S2.T2(c)[ match full][ on update A][ on delete A[ (cols)]]
 *                [ deferrable[ initially deferred]][ not valid][ not enforced]
 *              (actions equal to the default NO ACTION are not printed)
 *   constraint S.T.N check <pg_get_constraintdef, e.g. CHECK ((budget > (0)::numeric))>
 *   constraint S.T.N exclude <pg_get_constraintdef, e.g. EXCLUDE USING gist (during WITH &&)>
 *   constraint S.T.N trigger[ deferrable[ initially deferred]]   (the row of a constraint trigger)
 *   index S.T.N [unique ]<method> (<col or expr>[ <opclass>][ desc][ nulls first|last], ...)
 *                [ include (c, ...)][ nulls not distinct][ where <predicate>][ invalid]
 *              (the operator class is printed only when it is not the default one)
 *   trigger S.T.N <before|after|instead of> <insert[ or delete][ or update[ of c, ...]][ or truncate]>
 *                <row|statement>[ referencing ...][ when (<cond>)] execute S.F(args)[ <state>]
 *   comment table S.T '<text>'
 *   comment column S.T.C '<text>'
 *
 * Not facts: NOT NULL constraints as pg_constraint rows (PostgreSQL 18 records them, 15 does not;
 * nullability is on the column fact), internal triggers, views, RLS and policies, tables that
 * belong to an extension.
 */

export type QueryFn = (text: string, params?: unknown[]) => Promise<{ rows: any[] }>;

/** Removes the qualification `extensions.` outside string literals and quoted identifiers. */
export function stripExtensionsSchema(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      // copy a literal or quoted identifier verbatim (doubled quote = escaped quote)
      let j = i + 1;
      for (;;) {
        if (j >= text.length) break;
        if (text[j] === ch) {
          if (text[j + 1] === ch) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (text.startsWith('extensions.', i)) {
      const prev = i === 0 ? '' : text[i - 1]!;
      if (!/[\w.$]/.test(prev)) {
        i += 'extensions.'.length;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/** A comment as a one-line SQL-like literal: quotes doubled, backslash and control chars escaped. */
function literal(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/'/g, "''");
  return `'${escaped}'`;
}

function bool(v: unknown): boolean {
  return v === true || v === 't' || v === 'true';
}

/** bytea as returned by `pg` (Buffer) or PGlite (Uint8Array), or as text in hex format. */
function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string' && v.startsWith('\\x')) {
    const hex = v.slice(2);
    const out = new Uint8Array(hex.length / 2);
    for (let k = 0; k < out.length; k++) out[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
    return out;
  }
  return new Uint8Array();
}

function triggerArgs(raw: unknown, n: number): string[] {
  if (n <= 0) return [];
  const bytes = toBytes(raw);
  const args: string[] = [];
  let start = 0;
  const dec = new TextDecoder();
  for (let k = 0; k < bytes.length && args.length < n; k++) {
    if (bytes[k] === 0) {
      args.push(dec.decode(bytes.subarray(start, k)));
      start = k + 1;
    }
  }
  return args;
}

const FK_ACTION: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

/** Tables in scope: ordinary and partitioned tables of the schemas, not members of an extension. */
const TABLES = `
  select c.oid, n.nspname, c.relname
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p')
     and n.nspname = any ($1::text[])
     and not exists (
       select 1 from pg_catalog.pg_depend d
        where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`;

export async function readSchemaFacts(query: QueryFn, schemas: string[] = ['public']): Promise<string[]> {
  const facts: string[] = [];
  const params = [schemas];

  // tables and their comments
  const tables = await query(
    `with t as (${TABLES})
     select t.nspname, t.relname,
            pg_catalog.obj_description(t.oid, 'pg_class') as comment
       from t`,
    params,
  );
  for (const r of tables.rows) {
    const q = `${r.nspname}.${r.relname}`;
    facts.push(`table ${q}`);
    if (r.comment != null) facts.push(`comment table ${q} ${literal(r.comment)}`);
  }

  // columns
  const columns = await query(
    `with t as (${TABLES})
     select t.nspname, t.relname, a.attname,
            pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
            a.attnotnull, a.attidentity::text as identity, a.attgenerated::text as generated,
            pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def,
            case when a.attcollation <> ty.typcollation then pg_catalog.quote_ident(co.collname) end as collation,
            pg_catalog.col_description(t.oid, a.attnum) as comment
       from t
       join pg_catalog.pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
       join pg_catalog.pg_type ty on ty.oid = a.atttypid
       left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
       left join pg_catalog.pg_collation co on co.oid = a.attcollation`,
    params,
  );
  for (const r of columns.rows) {
    const q = `${r.nspname}.${r.relname}.${r.attname}`;
    let s = `column ${q} ${stripExtensionsSchema(r.type)}`;
    if (r.collation) s += ` collate ${r.collation}`;
    if (bool(r.attnotnull)) s += ' not null';
    if (r.identity === 'a') s += ' identity always';
    else if (r.identity === 'd') s += ' identity by default';
    else if (r.generated === 's' && r.def != null) s += ` generated always as (${stripExtensionsSchema(r.def)}) stored`;
    else if (r.generated === 'v' && r.def != null) s += ` generated always as (${stripExtensionsSchema(r.def)}) virtual`;
    else if (r.def != null) s += ` default ${stripExtensionsSchema(r.def)}`;
    facts.push(s);
    if (r.comment != null) facts.push(`comment column ${q} ${literal(r.comment)}`);
  }

  // constraints (NOT NULL rows of PostgreSQL 18, contype 'n', are left out)
  const constraints = await query(
    `with t as (${TABLES})
     select t.nspname, t.relname, con.conname, con.contype::text as contype,
            con.condeferrable, con.condeferred, con.convalidated,
            (pg_catalog.to_jsonb(con) ->> 'conenforced') as conenforced,
            pg_catalog.pg_get_constraintdef(con.oid) as def,
            (select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by k.ord)
               from unnest(con.conkey) with ordinality k(attnum, ord)
               join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as cols,
            fn.nspname as ref_schema, fc.relname as ref_table,
            (select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by k.ord)
               from unnest(con.confkey) with ordinality k(attnum, ord)
               join pg_catalog.pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as ref_cols,
            (select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by k.ord)
               from unnest(con.confdelsetcols) with ordinality k(attnum, ord)
               join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as del_set_cols,
            con.confupdtype::text as upd, con.confdeltype::text as del, con.confmatchtype::text as matchtype,
            (pg_catalog.to_jsonb(i) ->> 'indnullsnotdistinct') as nulls_not_distinct
       from t
       join pg_catalog.pg_constraint con on con.conrelid = t.oid
       left join pg_catalog.pg_class fc on fc.oid = con.confrelid
       left join pg_catalog.pg_namespace fn on fn.oid = fc.relnamespace
       left join pg_catalog.pg_index i on i.indexrelid = con.conindid and con.contype in ('p', 'u')
      where con.contype <> 'n'`,
    params,
  );
  for (const r of constraints.rows) {
    const q = `${r.nspname}.${r.relname}.${r.conname}`;
    const deferral = bool(r.condeferrable) ? (bool(r.condeferred) ? ' deferrable initially deferred' : ' deferrable') : '';
    let s: string;
    switch (r.contype) {
      case 'p':
        s = `constraint ${q} primary key (${r.cols})${deferral}`;
        break;
      case 'u':
        s = `constraint ${q} unique (${r.cols})${bool(r.nulls_not_distinct) ? ' nulls not distinct' : ''}${deferral}`;
        break;
      case 'f': {
        s = `constraint ${q} foreign key (${r.cols}) -> ${r.ref_schema}.${r.ref_table}(${r.ref_cols})`;
        if (r.matchtype === 'f') s += ' match full';
        else if (r.matchtype === 'p') s += ' match partial';
        if (r.upd !== 'a') s += ` on update ${FK_ACTION[r.upd] ?? r.upd}`;
        if (r.del !== 'a') {
          s += ` on delete ${FK_ACTION[r.del] ?? r.del}`;
          if (r.del_set_cols) s += ` (${r.del_set_cols})`;
        }
        s += deferral;
        if (!bool(r.convalidated)) s += ' not valid';
        if (r.conenforced != null && !bool(r.conenforced)) s += ' not enforced';
        break;
      }
      case 'c':
        s = `constraint ${q} check ${stripExtensionsSchema(r.def)}`;
        break;
      case 'x':
        s = `constraint ${q} exclude ${stripExtensionsSchema(r.def)}`;
        break;
      default:
        s = `constraint ${q} ${r.contype === 't' ? 'trigger' : `type ${r.contype}`}${deferral}`;
    }
    facts.push(s);
  }

  // indexes, rebuilt column by column so that the output does not depend on search_path or version
  const indexes = await query(
    `with t as (${TABLES})
     select t.nspname, t.relname, ic.relname as idxname, am.amname,
            i.indisunique, i.indisvalid,
            (pg_catalog.to_jsonb(i) ->> 'indnullsnotdistinct') as nulls_not_distinct,
            pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) as pred,
            (select pg_catalog.string_agg(
                      pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true)
                      || case when opc.opcdefault then '' else ' ' || opc.opcname end
                      || case when (i.indoption[k.n - 1] & 1) = 1 then ' desc' else '' end
                      || case when (i.indoption[k.n - 1] & 3) = 1 then ' nulls last'
                              when (i.indoption[k.n - 1] & 3) = 2 then ' nulls first'
                              else '' end,
                      ', ' order by k.n)
               from pg_catalog.generate_series(1, i.indnkeyatts::int) k(n)
               left join pg_catalog.pg_opclass opc on opc.oid = i.indclass[k.n - 1]) as keycols,
            (select pg_catalog.string_agg(pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true), ', ' order by k.n)
               from pg_catalog.generate_series(i.indnkeyatts::int + 1, i.indnatts::int) k(n)) as inclcols
       from t
       join pg_catalog.pg_index i on i.indrelid = t.oid
       join pg_catalog.pg_class ic on ic.oid = i.indexrelid
       join pg_catalog.pg_am am on am.oid = ic.relam`,
    params,
  );
  for (const r of indexes.rows) {
    let s = `index ${r.nspname}.${r.relname}.${r.idxname} ${bool(r.indisunique) ? 'unique ' : ''}${r.amname}`;
    s += ` (${stripExtensionsSchema(r.keycols ?? '')})`;
    if (r.inclcols) s += ` include (${r.inclcols})`;
    if (bool(r.nulls_not_distinct)) s += ' nulls not distinct';
    if (r.pred != null) s += ` where ${stripExtensionsSchema(r.pred)}`;
    if (!bool(r.indisvalid)) s += ' invalid';
    facts.push(s);
  }

  // user triggers (internal ones, e.g. those implementing foreign keys, are left out)
  const triggers = await query(
    `with t as (${TABLES})
     select t.nspname, t.relname, tg.tgname, tg.tgtype::int as tgtype, tg.tgenabled::text as enabled,
            pn.nspname as fn_schema, p.proname as fn_name, tg.tgnargs::int as nargs, tg.tgargs,
            tg.tgoldtable, tg.tgnewtable, (tg.tgconstraint <> 0) as is_constraint,
            (select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by k.ord)
               from unnest(tg.tgattr::int2[]) with ordinality k(attnum, ord)
               join pg_catalog.pg_attribute a on a.attrelid = tg.tgrelid and a.attnum = k.attnum) as upd_cols,
            pg_catalog.pg_get_triggerdef(tg.oid, true) as def,
            (tg.tgqual is not null) as has_when
       from t
       join pg_catalog.pg_trigger tg on tg.tgrelid = t.oid and not tg.tgisinternal
       join pg_catalog.pg_proc p on p.oid = tg.tgfoid
       join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace`,
    params,
  );
  for (const r of triggers.rows) {
    const type: number = r.tgtype;
    const timing = type & 2 ? 'before' : type & 64 ? 'instead of' : 'after';
    const events: string[] = [];
    if (type & 4) events.push('insert');
    if (type & 8) events.push('delete');
    if (type & 16) events.push(r.upd_cols ? `update of ${r.upd_cols}` : 'update');
    if (type & 32) events.push('truncate');
    let s = `trigger ${r.nspname}.${r.relname}.${r.tgname}`;
    if (bool(r.is_constraint)) s += ' constraint';
    s += ` ${timing} ${events.join(' or ')} ${type & 1 ? 'row' : 'statement'}`;
    if (r.tgoldtable != null || r.tgnewtable != null) {
      s += ' referencing';
      if (r.tgoldtable != null) s += ` old table as ${r.tgoldtable}`;
      if (r.tgnewtable != null) s += ` new table as ${r.tgnewtable}`;
    }
    if (bool(r.has_when)) {
      const m = /\sWHEN \((.*)\) EXECUTE (?:FUNCTION|PROCEDURE) /s.exec(String(r.def));
      s += ` when (${stripExtensionsSchema(m?.[1] ?? '?')})`;
    }
    const args = triggerArgs(r.tgargs, r.nargs).map(literal).join(', ');
    s += ` execute ${r.fn_schema === 'extensions' ? '' : `${r.fn_schema}.`}${r.fn_name}(${args})`;
    if (r.enabled === 'D') s += ' disabled';
    else if (r.enabled === 'R') s += ' enabled replica';
    else if (r.enabled === 'A') s += ' enabled always';
    facts.push(s);
  }

  return facts.sort();
}

/** Whether a table or view exists (optional features: the memory table, pg_stat_statements' view). */
export async function relationExists(db: { query: QueryFn }, qualified: string): Promise<boolean> {
  const r = await db.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [qualified]);
  return r.rows[0]?.ok === true;
}
