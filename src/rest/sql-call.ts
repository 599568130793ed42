/**
 * A function call: arguments by name (`"a" := …`) so the function's own defaults fill the rest,
 * each cast to its parameter's type from the schema cache. From a JSON body the arguments are read
 * by json_to_record (typed, exact); from a query string each is a bound parameter.
 */
import type { Routine, RoutineParam } from './schema-cache.ts';
import { quoteIdent, quoteQualified, type Params } from './sql-fragments.ts';

export type CallArgs =
  | { kind: 'json'; json: string; isArray: boolean; params: RoutineParam[] }
  | { kind: 'query'; values: Map<string, string>; params: RoutineParam[] }
  /** A single unnamed json/jsonb/text parameter given the whole body. */
  | { kind: 'whole-body'; body: string; param: RoutineParam };

export function callSql(r: Routine, args: CallArgs, p: Params): string {
  const fn = quoteQualified(r);
  const named = (list: string[]) => list.join(', ');
  let call: string;
  let from = '';
  if (args.kind === 'whole-body') {
    call = `${fn}(${p.bind(args.body)}::${args.param.type})`;
  } else if (args.kind === 'query') {
    call = `${fn}(${named(args.params.map((a) => `${variadic(a)}${quoteIdent(a.name)} := ${p.bind(args.values.get(a.name) ?? null)}::${a.type}`))})`;
  } else if (args.params.length === 0) {
    call = `${fn}()`;
  } else {
    const typed = args.params.map((a) => `${quoteIdent(a.name)} ${a.type}`).join(', ');
    from = `json_to_record${args.isArray ? 'set' : ''}(${p.bind(args.json)}::json) AS pgrst_args(${typed})`;
    call = `${fn}(${named(args.params.map((a) => `${variadic(a)}${quoteIdent(a.name)} := pgrst_args.${quoteIdent(a.name)}`))})`;
  }
  if (r.returns === 'composite') {
    return from ? `SELECT pgrst_call.* FROM ${from}, LATERAL ${call} AS pgrst_call` : `SELECT pgrst_call.* FROM ${call} AS pgrst_call`;
  }
  return `SELECT ${call} AS pgrst_scalar${from ? ` FROM ${from}` : ''}`;
}

const variadic = (a: RoutineParam) => (a.variadic ? 'VARIADIC ' : '');
