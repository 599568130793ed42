/**
 * A small paren- and quote-aware scanner of deparsed SQL expressions (what pg_policies.qual and
 * with_check show), for the policy lints: which auth calls run per row, whether a disjunct lets
 * anonymous sessions through, whether an expression is literally true. Splinter uses LIKE and
 * regexp patterns; a scanner does not trip over quoted text or nested parentheses.
 */

interface ParenGroup {
  /** Top-level text of the group (nested groups and quoted text blanked out). */
  top: string;
  parent: number;
}

interface Scan {
  groups: ParenGroup[];
  /** Same length as the input: depth-0 text, with quoted text and parenthesised text blanked. */
  masked: string;
  /** For each character position, the index of the innermost enclosing group (-1 at depth 0). */
  groupAt: Int32Array;
  /** For each `(`, the index of the matching `)` (or -1). */
  closeOf: Map<number, number>;
}

/** A paren- and quote-aware scan of a deparsed SQL expression. */
function scan(expr: string): Scan {
  const groups: ParenGroup[] = [];
  const groupAt = new Int32Array(expr.length).fill(-1);
  const closeOf = new Map<number, number>();
  const stack: { group: number; open: number }[] = [];
  let masked = '';
  let i = 0;
  const append = (s: string, at: number) => {
    const cur = stack[stack.length - 1];
    if (cur) {
      const g = groups[cur.group]!;
      g.top += s;
      groupAt.fill(cur.group, at, at + s.length);
      masked += ' '.repeat(s.length);
    } else {
      masked += s;
    }
  };
  while (i < expr.length) {
    const ch = expr[i]!;
    if (ch === "'" || ch === '"') {
      // quoted literal or identifier; a doubled quote is an escaped one
      let j = i + 1;
      while (j < expr.length) {
        if (expr[j] === ch) {
          if (expr[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      const len = Math.min(j, expr.length - 1) - i + 1;
      // keep the quotes, blank the content (so keywords inside strings are never seen)
      append(ch + '_'.repeat(Math.max(0, len - 2)) + (len > 1 ? ch : ''), i);
      i += len;
      continue;
    }
    if (ch === '(') {
      append(' ', i);
      const parent = stack[stack.length - 1]?.group ?? -1;
      groups.push({ top: '', parent });
      stack.push({ group: groups.length - 1, open: i });
      i++;
      continue;
    }
    if (ch === ')') {
      const cur = stack.pop();
      if (cur) closeOf.set(cur.open, i);
      append(' ', i);
      i++;
      continue;
    }
    append(ch, i);
    i++;
  }
  return { groups, masked, groupAt, closeOf };
}

/** Removes parentheses enclosing the whole expression: `((a = b))` -> `a = b`. */
function stripOuterParens(expr: string): string {
  let s = expr.trim();
  for (;;) {
    if (!s.startsWith('(')) return s;
    const close = scan(s).closeOf.get(0);
    if (close !== s.length - 1) return s;
    s = s.slice(1, -1).trim();
  }
}

/** Splits on a connective (`OR` / `AND`) at the top level only. */
function splitTopLevel(expr: string, connective: 'OR' | 'AND'): string[] {
  const { masked } = scan(expr);
  const re = new RegExp(`\\s${connective}\\s`, 'gi');
  const parts: string[] = [];
  let last = 0;
  for (const m of masked.matchAll(re)) {
    parts.push(expr.slice(last, m.index));
    last = m.index + m[0].length;
  }
  parts.push(expr.slice(last));
  return parts.map((p) => p.trim());
}

/** Builds the regexps for auth calls; `bare` also accepts unqualified names (auth on search_path). */
function authCallSources(bare: boolean): { call: string; nullableCall: string } {
  const schema = bare ? '(?:auth\\.)?' : 'auth\\.';
  return {
    // auth.uid() / auth.jwt() / auth.role() / auth.email() / current_setting(...)
    call: `(?<![\\w."$])(?:${schema}(?:uid|jwt|role|email)\\(\\)|current_setting\\()`,
    // calls that return NULL for an anonymous session (current_setting(x) without `true` raises)
    nullableCall: `(?<![\\w."$])(?:${schema}(?:uid|jwt|role|email)\\(\\)|current_setting\\([^()]*,\\s*true\\))`,
  };
}

/**
 * The auth calls in `expr` that are NOT wrapped in a scalar `( SELECT ... )` sub-select, i.e. that
 * are evaluated per row (splinter 0003). A call counts as wrapped when the innermost sub-select
 * around it has no FROM (a scalar sub-select becomes an InitPlan, evaluated once); a call inside a
 * correlated `EXISTS (SELECT 1 FROM ... WHERE x = auth.uid())` is still evaluated per row.
 */
export function unwrappedAuthCalls(expr: string, bareAuthNames = false): string[] {
  const { groups, groupAt } = scan(expr);
  const re = new RegExp(authCallSources(bareAuthNames).call, 'gi');
  const found: string[] = [];
  for (const m of expr.matchAll(re)) {
    // skip matches that lie inside quoted text (the scanner blanks those in group text only,
    // so re-check against the raw quotes)
    if (insideQuotes(expr, m.index)) continue;
    let g = m.index < groupAt.length ? groupAt[m.index]! : -1;
    let wrapped = false;
    while (g >= 0) {
      const group = groups[g]!;
      if (/^\s*select\b/i.test(group.top)) {
        wrapped = !/\bfrom\b/i.test(group.top);
        break;
      }
      g = group.parent;
    }
    if (!wrapped) found.push(m[0].replace(/\($/, '(...)'));
  }
  return found;
}

function insideQuotes(expr: string, at: number): boolean {
  let quote: string | null = null;
  for (let i = 0; i < at; i++) {
    const ch = expr[i]!;
    if (quote) {
      if (ch === quote) {
        if (expr[i + 1] === quote) i++;
        else quote = null;
      }
    } else if (ch === "'" || ch === '"') quote = ch;
  }
  return quote !== null;
}

/** `auth.uid() IS NULL`, `( SELECT auth.uid() AS uid) IS NULL`, `NOT (auth.uid() IS NOT NULL)`... */
function isNullAuthCheck(disjunct: string, bareAuthNames: boolean): boolean {
  const nullable = new RegExp(authCallSources(bareAuthNames).nullableCall, 'i');
  let d = stripOuterParens(disjunct);
  let operand: string | undefined;
  const isNull = /^([\s\S]*\S)\s+IS\s+NULL$/i.exec(d);
  if (isNull) operand = isNull[1];
  else {
    const not = /^NOT\s+([\s\S]*)$/i.exec(d);
    if (not) {
      d = stripOuterParens(not[1]!);
      const isNotNull = /^([\s\S]*\S)\s+IS\s+NOT\s+NULL$/i.exec(d);
      if (isNotNull) operand = isNotNull[1];
    }
  }
  if (operand === undefined) return false;
  // the operand must be a single term (no top-level connective) ...
  if (/\s(AND|OR)\s/i.test(scan(operand).masked)) return false;
  let op = stripOuterParens(operand);
  // ... optionally a scalar sub-select `SELECT <call> AS x` (no FROM) ...
  const sub = /^SELECT\s+([\s\S]*?)(?:\s+AS\s+\w+)?$/i.exec(op);
  if (sub && !/\bfrom\b/i.test(scan(op).masked)) op = sub[1]!;
  // ... of a nullable auth function call
  return nullable.test(op);
}

/** `true` when the top-level connective of `expr` is OR and one disjunct is a null-auth check. */
export function hasNullAuthDisjunct(expr: string, bareAuthNames = false): boolean {
  const disjuncts = splitTopLevel(stripOuterParens(expr), 'OR');
  if (disjuncts.length < 2) return false;
  return disjuncts.some((d) => isNullAuthCheck(d, bareAuthNames));
}

/** Literally `true` / `1 = 1` once whitespace, case and outer parentheses are gone (splinter 0024). */
export function isLiterallyTrue(expr: string | null): boolean {
  if (expr == null) return false;
  const norm = expr.toLowerCase().replace(/\s+/g, '');
  return ['true', '(true)', '1=1', '(1=1)', "'t'::boolean", "('t'::boolean)"].includes(norm);
}
