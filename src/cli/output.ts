/**
 * Every line the command line prints goes through here: results on stdout (what a script may
 * capture), notes about the work on stderr, and failures through errors.ts.
 */

/** A result line (stdout). */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A document as is (stdout), e.g. an export. */
export function printRaw(text: string): void {
  process.stdout.write(text);
}

/** Progress or a remark about the work (stderr), so stdout stays the result. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** "1 trip", "2 trips", "1 memory", "3 memories": `many` when the plural is not word + s. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
