/**
 * Every command-line failure is one line on stderr (`tripsage: …`, no stack trace) and a non-zero
 * exit: the cases a new user hit, as separate processes, and the presenter itself.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, presentError } from '../src/cli/errors.ts';
import { ConfigError } from '../src/config.ts';
import { invalid } from '../src/domain/errors.ts';
import { tripsage, type CliResult } from './harness/cli.ts';
import { TEST_JWT_SECRET } from './harness/http.ts';

const SLOW = 600_000; // whole programs on a busy machine: a cap, not an expectation
const scratch = () => mkdtempSync(join(tmpdir(), 'tripsage-errors-'));

function oneLine(r: CliResult, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tripsage: /);
  expect(lines[0]).toMatch(pattern);
}

describe('command-line failures', () => {
  it('a busy port', async () => {
    const busy: Server = createServer();
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
    const { port } = busy.address() as AddressInfo;
    try {
      const r = await tripsage(['--data-dir', join(scratch(), 'data'), 'serve', '--port', String(port)], { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' });
      oneLine(r, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use .*--port`));
    } finally {
      busy.close();
    }
  }, SLOW);

  it('a data directory that is a file', async () => {
    const file = join(scratch(), 'not-a-dir');
    writeFileSync(file, '');
    oneLine(await tripsage(['--data-dir', file, 'db', 'status']), /the data directory .*not-a-dir is not a directory/);
    oneLine(await tripsage(['--data-dir', join(file, 'below'), 'db', 'status']), /is not a directory/);
  }, SLOW);

  it('a backup or export path whose folder does not exist (nothing is opened or created first)', async () => {
    const dir = scratch();
    const dd = ['--data-dir', join(dir, 'data')];
    oneLine(await tripsage([...dd, 'db', 'backup', join(dir, 'missing', 'b.tgz')]), /cannot write .*b\.tgz: the folder .*missing does not exist/);
    oneLine(await tripsage([...dd, 'export', '--email', 'x@example.test', '--output', join(dir, 'missing', 'x.json')]), /the folder .*missing does not exist/);
    oneLine(await tripsage([...dd, 'db', 'restore', '--yes', join(dir, 'missing.tgz')]), /no such backup file/);
  }, SLOW);
});

describe('presentError', () => {
  it('words each kind of failure as one line', () => {
    expect(presentError(new CliError('stop', 3))).toEqual({ line: 'tripsage: stop', exitCode: 3 });
    expect(presentError(invalid('x', 'bad input', { hint: 'send a good one' })).line).toBe('tripsage: bad input (send a good one)');
    expect(presentError(new ConfigError('invalid configuration:\n  port: too big\n  host: empty')).line)
      .toBe('tripsage: invalid configuration: port: too big; host: empty');
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', syscall: 'open', path: '/x/y' });
    expect(presentError(enoent).line).toBe('tripsage: cannot open /x/y: no such file or directory');
    const odd = new TypeError('something broke\n  at somewhere');
    expect(presentError(odd)).toEqual({ line: 'tripsage: unexpected error: something broke; at somewhere (TRIPSAGE_DEBUG=1 shows where)', exitCode: 1 });
    expect(presentError(odd, true).line.split('\n').length).toBeGreaterThan(1); // with the stack when asked
  });
});
