/**
 * Registers the five routes of a plain resource (list, create, get, patch, delete) from its
 * definition. Rules beyond "what RLS allows and the constraints accept" go in the definition's
 * hooks, which belong to the feature's service.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AnyTableRepo, ColumnOf, Filter, FilterOp, Row, TableName, TableRepo } from '../db/crud.repo.ts';
import type { Caller, Tx } from '../db/transaction.ts';
import { inTx, userIdOf } from './context.ts';
import { notFound, nothingToUpdate } from '../domain/errors.ts';
import { listParamsOf, listQuery, sendPage, type ListQueryOptions } from './list.ts';
import { nameSchema } from './openapi.ts';

export interface ParentDef<C extends string = string> {
  param: string;
  column: C;
  noun: string;
  schema: z.ZodType;
  visible(trx: Tx, id: unknown): Promise<boolean>;
  /**
   * Before a write under the parent (create, patch, delete): throws when the caller may not write
   * there (not_found when they cannot see it, forbidden when they may only read it). RLS decides
   * anyway; this gives the caller the precise answer.
   */
  requireWritable?(trx: Tx, id: unknown): Promise<void>;
}

/** A plain resource over table `T`: its columns below are checked against the generated schema. */
export interface ResourceDef<T extends TableName, C extends ColumnOf<T>> {
  tag: string;
  noun: string;
  /**
   * The resource's name in the OpenAPI document (PascalCase, singular): its schemas are the
   * components `<name>`, `<name>Create`, `<name>Patch`, its operations `list<names>`,
   * `create<name>`, … Default: the noun in PascalCase.
   */
  schemaName?: string;
  path: string;
  repo: TableRepo<T, C>;
  idSchema: z.ZodType;
  row: z.ZodType;
  create: z.ZodObject;
  patch: z.ZodObject;
  parent?: ParentDef<ColumnOf<T>>;
  /** Column set to the caller's user id on create (never taken from the body). */
  ownerColumn?: ColumnOf<T>;
  list: ListQueryOptions<ColumnOf<T>>;
  /** Leave out routes a resource does not have (e.g. search history has no PATCH), or serves itself. */
  without?: ReadonlyArray<'list' | 'get' | 'patch' | 'delete'>;
  /**
   * The feature service's own create (write check on the parent, owner, rules, insert), shared
   * with other adapters; replaces the generic one below. `parentId` is the parent param's value.
   */
  createWith?(trx: Tx, parentId: unknown, body: Row, caller: Caller): Promise<Row>;
  /**
   * The feature's rules, run in the request's transaction. They get the caller (role and verified
   * claims), never the HTTP request: the same rules serve every adapter.
   */
  hooks?: {
    /** Validates or completes a row before insert. */
    beforeCreate?(trx: Tx, values: Row, caller: Caller): Promise<void>;
    beforePatch?(trx: Tx, key: Filter[], values: Row, caller: Caller): Promise<void>;
    beforeDelete?(trx: Tx, key: Filter[], caller: Caller): Promise<void>;
    afterWrite?(trx: Tx, row: Row, caller: Caller): Promise<void>;
  };
}

/** A positive decimal id, exactly as written: no '0x1', '1.0', '1e0' or ' 1' aliases. */
export const bigintId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'a positive whole number')
  .transform(Number)
  .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER));
export const uuidId = z.string().uuid();
export const noContent = z.null().describe('No content');

/** Plural of a PascalCase name, for the list operation (`Trip` → `Trips`, `Entry` → `Entries`). */
export function pluralName(name: string): string {
  if (name === 'Transportation') return name; // uncountable
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|sh|ch|x)$/.test(name)) return `${name}es`;
  return `${name}s`;
}

export function registerResource<T extends TableName, C extends ColumnOf<T>>(app: FastifyInstance, checked: ResourceDef<T, C>): void {
  // Checked where it is declared; from here on, rows and column names (values come from zod).
  const def = checked as unknown as Omit<ResourceDef<T, C>, 'repo'> & { repo: AnyTableRepo };
  const parent = def.parent;
  const name = def.schemaName ?? def.noun.split(' ').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  nameSchema(app, def.row, name);
  nameSchema(app, def.create, `${name}Create`);
  nameSchema(app, def.patch, `${name}Patch`);
  const params = z.object(parent ? { [parent.param]: parent.schema } : {});
  const itemParams = z.object({ ...(parent ? { [parent.param]: parent.schema } : {}), id: def.idSchema });
  const security = [{ bearer: [] }];
  const tags = [def.tag];

  const keyOf = (p: Record<string, unknown>): Filter[] => [
    { column: 'id', op: '=', value: p.id },
    ...(parent ? [{ column: parent.column, op: '=' as FilterOp, value: p[parent.param] }] : []),
  ];
  const requireParent = async (trx: Tx, p: Record<string, unknown>) => {
    if (parent && !(await parent.visible(trx, p[parent.param]))) throw notFound(parent.noun);
  };
  const requireWritableParent = async (trx: Tx, p: Record<string, unknown>) => {
    if (parent?.requireWritable) await parent.requireWritable(trx, p[parent.param]);
    else await requireParent(trx, p);
  };

  // A top-level resource without create hooks is created by its INSERT alone.
  const insertOnly = !parent && !def.hooks?.beforeCreate && !def.hooks?.afterWrite;

  if (!def.without?.includes('list')) app.get(def.path, {
    schema: { tags, security, operationId: `list${pluralName(name)}`, summary: `List ${def.noun}s`, params, querystring: listQuery(def.list), response: { 200: z.array(def.row) } },
  }, async (req, reply) => {
    const p = req.params as Record<string, unknown>;
    const params = listParamsOf(req, def.list, parent ? [{ column: parent.column, op: '=', value: p[parent.param] }] : []);
    const page = await inTx(req, async (trx) => {
      await requireParent(trx, p);
      return def.repo.list(trx, params);
    });
    return sendPage(reply, params, page);
  });

  app.post(def.path, {
    schema: { tags, security, operationId: `create${name}`, summary: `Create a ${def.noun}`, params, body: def.create, response: { 201: def.row } },
  }, async (req, reply) => {
    const p = req.params as Record<string, unknown>;
    const createWith = def.createWith;
    if (createWith) {
      return reply.status(201).send(await inTx(req, (trx) => createWith(trx, parent && p[parent.param], req.body as Row, req.caller)));
    }
    const values: Row = { ...(req.body as Row) };
    if (parent) values[parent.column] = p[parent.param];
    if (def.ownerColumn) values[def.ownerColumn] = userIdOf(req);
    const row = await inTx(req, async (trx) => {
      await requireWritableParent(trx, p);
      await def.hooks?.beforeCreate?.(trx, values, req.caller);
      const created = await def.repo.insert(trx, values);
      await def.hooks?.afterWrite?.(trx, created, req.caller);
      return created;
    }, { oneStatement: insertOnly });
    return reply.status(201).send(row);
  });

  if (!def.without?.includes('get')) {
    app.get(`${def.path}/:id`, {
      schema: { tags, security, operationId: `get${name}`, summary: `Get a ${def.noun}`, params: itemParams, response: { 200: def.row } },
    }, async (req) => {
      const row = await inTx(req, (trx) => def.repo.get(trx, keyOf(req.params as Record<string, unknown>)), { oneStatement: true });
      if (!row) throw notFound(def.noun);
      return row;
    });
  }

  if (!def.without?.includes('patch')) {
    app.patch(`${def.path}/:id`, {
      schema: { tags, security, operationId: `update${name}`, summary: `Update a ${def.noun}`, params: itemParams, body: def.patch, response: { 200: def.row } },
    }, async (req) => {
      const values: Row = { ...(req.body as Row) };
      if (!Object.keys(values).length) throw nothingToUpdate();
      const p = req.params as Record<string, unknown>;
      const key = keyOf(p);
      const row = await inTx(req, async (trx) => {
        if (parent?.requireWritable) await parent.requireWritable(trx, p[parent.param]);
        await def.hooks?.beforePatch?.(trx, key, values, req.caller);
        const updated = await def.repo.update(trx, key, values);
        if (updated) await def.hooks?.afterWrite?.(trx, updated, req.caller);
        return updated;
      });
      if (!row) throw notFound(def.noun);
      return row;
    });
  }

  if (def.without?.includes('delete')) return;
  app.delete(`${def.path}/:id`, {
    schema: { tags, security, operationId: `delete${name}`, summary: `Delete a ${def.noun}`, params: itemParams, response: { 204: noContent } },
  }, async (req, reply) => {
    const p = req.params as Record<string, unknown>;
    const key = keyOf(p);
    const gone = await inTx(req, async (trx) => {
      if (parent?.requireWritable) await parent.requireWritable(trx, p[parent.param]);
      await def.hooks?.beforeDelete?.(trx, key, req.caller);
      return def.repo.remove(trx, key);
    });
    if (!gone) throw notFound(def.noun);
    return reply.status(204).send();
  });
}
