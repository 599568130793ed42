/**
 * A cursor over one query-string value, with the lexical pieces PostgREST's grammar shares (field
 * names, quoted values, JSON paths) and its error format: message `"failed to parse <what>
 * (<input>)" (line 1, column N)`, details `unexpected "x" expecting …` (code PGRST100).
 */
import { queryParamError, type RestError } from './errors.ts';
import type { Field, JsonStep } from './query-ast.ts';

const IDENT_CHAR = /[\p{L}\p{N}_ $]/u;
/** Characters a bare JSON key may not contain. */
const JSON_KEY_STOP = new Set(['(', '-', ':', '.', ',', '>', ')']);

export class Scanner {
  pos = 0;

  constructor(
    readonly input: string,
    /** e.g. `select parameter`, `filter`, `order` — the words of the error message. */
    readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.input.length;
  }

  peek(n = 0): string {
    return this.input[this.pos + n] ?? '';
  }

  startsWith(s: string): boolean {
    return this.input.startsWith(s, this.pos);
  }

  /** Consumes `s` when it comes next. */
  eat(s: string): boolean {
    if (!this.startsWith(s)) return false;
    this.pos += s.length;
    return true;
  }

  expect(s: string, expecting = `"${s}"`): void {
    if (!this.eat(s)) throw this.error(expecting);
  }

  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  /** Runs `fn`; on failure puts the cursor back and returns undefined. */
  attempt<T>(fn: () => T): T | undefined {
    const at = this.pos;
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      this.pos = at;
      return undefined;
    }
  }

  error(expecting: string): ParseFailure {
    const found = this.done ? 'end of input' : `${JSON.stringify(this.peek())}`;
    return new ParseFailure(this, `unexpected ${found} expecting ${expecting}`);
  }

  /** `"quoted \" value"` with backslash escapes. */
  quoted(): string {
    this.expect('"');
    let out = '';
    for (;;) {
      if (this.done) throw this.error('"\\"" (closing quote)');
      const c = this.input[this.pos++]!;
      if (c === '"') return out;
      if (c === '\\') {
        if (this.done) throw this.error('an escaped character');
        out += this.input[this.pos++]!;
      } else out += c;
    }
  }

  /** A field name: a quoted name, or identifiers (letters, digits, `_`, ` `, `$`) joined by `-`. */
  fieldName(): string {
    if (this.peek() === '"') return this.quoted();
    const parts: string[] = [];
    for (;;) {
      const start = this.pos;
      while (!this.done && IDENT_CHAR.test(this.peek())) this.pos++;
      if (this.pos === start) throw this.error('field name (* or [a..z0..9_$])');
      parts.push(this.input.slice(start, this.pos).trim());
      if (this.peek() === '-' && this.peek(1) !== '>') {
        this.pos++;
        continue;
      }
      return parts.join('-');
    }
  }

  /** `->key`, `->>key`, `->0`, `->-1` … */
  jsonPath(): JsonStep[] {
    const steps: JsonStep[] = [];
    for (;;) {
      const arrow = this.eat('->>') ? '->>' : this.eat('->') ? '->' : undefined;
      if (!arrow) return steps;
      steps.push({ arrow, ...this.jsonOperand() });
    }
  }

  private jsonOperand(): { key: string; index: boolean } {
    const index = /^-?\d+/.exec(this.input.slice(this.pos));
    if (index) {
      const after = this.input.slice(this.pos + index[0].length);
      if (after === '' || /^(->|::|\.|,|\))/.test(after)) {
        this.pos += index[0].length;
        return { key: index[0], index: true };
      }
    }
    if (this.peek() === '"') return { key: this.quoted(), index: false };
    const parts: string[] = [];
    for (;;) {
      const start = this.pos;
      while (!this.done && !JSON_KEY_STOP.has(this.peek())) this.pos++;
      if (this.pos === start) throw this.error('any non reserved character different from: .,>()');
      parts.push(this.input.slice(start, this.pos).trim());
      if (this.peek() === '-' && this.peek(1) !== '>') {
        this.pos++;
        continue;
      }
      return { key: parts.join('-'), index: false };
    }
  }

  /** A column with an optional JSON path, spaces around it allowed. */
  field(): Field {
    this.skipSpaces();
    const name = this.fieldName();
    const json = this.jsonPath();
    this.skipSpaces();
    return { name, json };
  }

  /** A type name after `::` (letters, digits, `_`, ` `, `$`), as PostgREST accepts it. */
  identifier(): string {
    const start = this.pos;
    while (!this.done && IDENT_CHAR.test(this.peek())) this.pos++;
    if (this.pos === start) throw this.error('letter or digit');
    return this.input.slice(start, this.pos).trim();
  }

  end(expecting: string): void {
    if (!this.done) throw this.error(expecting);
  }
}

/** A parse failure; `toRestError` turns it into PGRST100 with PostgREST's wording. */
export class ParseFailure extends Error {
  constructor(
    readonly scanner: Scanner,
    readonly details: string,
  ) {
    super(details);
  }

  toRestError(): RestError {
    const s = this.scanner;
    return queryParamError(`"failed to parse ${s.what} (${s.input})" (line 1, column ${s.pos + 1})`, this.details);
  }
}

/** Runs a whole-value parse, turning a failure into the PGRST100 error. */
export function parseWith<T>(input: string, what: string, fn: (s: Scanner) => T): T {
  const s = new Scanner(input, what);
  try {
    return fn(s);
  } catch (e) {
    if (e instanceof ParseFailure) throw e.toRestError();
    throw e;
  }
}
