/**
 * The operator's findings on a real listening server: a request that arrives while the server
 * shuts down gets 503 in the API's own error shape; expected 5xx answers are logged at warn with
 * no stack trace, faults at error with one; server connections are named `tripsage`.
 */
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pino from 'pino';
import { createTokenService } from '../src/auth/tokens.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import { buildApp } from '../src/http/app.ts';
import { describeEachBackend } from './harness/backends.ts';
import { holdDatabase, until } from './harness/states.ts';
import { buildTestApp, makeUser, TEST_JWT_SECRET, type TestApp, type TestUser } from './harness/http.ts';

/** Complete HTTP/1.1 responses read from a socket so far: status, headers, body. */
function responses(socket: Socket) {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (buffer += d));
  return () => {
    const out: Array<{ status: number; headers: Record<string, string>; body: string }> = [];
    let rest = buffer;
    for (;;) {
      const end = rest.indexOf('\r\n\r\n');
      if (end < 0) break;
      const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? 0);
      if (rest.length < end + 4 + length) break;
      out.push({ status: Number(statusLine!.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
      rest = rest.slice(end + 4 + length);
    }
    return out;
  };
}

describeEachBackend('server lifecycle', (ctx) => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await buildTestApp(ctx.db);
    user = await makeUser(t, ctx.db);
  });
  afterAll(() => t.app.close());

  it('a request arriving during shutdown gets 503 shutting_down in the API error shape; the one in flight completes', async () => {
    const app = (await buildTestApp(ctx.db)).app;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const release = await holdDatabase(ctx.db);
    const socket = connect(port, '127.0.0.1');
    const read = responses(socket);
    socket.write(`GET /api/v1/trips HTTP/1.1\r\nhost: x\r\nauthorization: ${user.headers.authorization}\r\n\r\n`);
    await until(() => app.txGate.pending === 1); // in flight, waiting for the database
    const closing = app.close();
    await until(() => !app.server.listening);
    socket.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n');
    await release();
    await until(() => read().length === 2);
    const [first, second] = read();
    expect(first!.status).toBe(200);
    expect(second!.status).toBe(503);
    expect(second!.headers['retry-after']).toBe('1');
    expect(second!.headers.connection).toBe('close');
    expect(JSON.parse(second!.body)).toEqual({
      code: 'shutting_down', message: expect.any(String), details: null, hint: expect.any(String), request_id: expect.any(String),
    });
    socket.destroy();
    await closing;
  });

  it('logs an expected 503 at warn without a stack trace, and a fault at error with one', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    const config = loadConfig({}, { TRIPSAGE_JWT_SECRET: TEST_JWT_SECRET, TRIPSAGE_MEMORY: 'off' });
    const app = await buildApp({ config, db: ctx.db, tokens: createTokenService(config), logger: pino({ level: 'info' }, sink) });
    app.get('/test/fault', async () => {
      throw new Error('a bug');
    });
    try {
      const off = await app.inject({ method: 'GET', url: '/api/v1/memories', headers: user.headers });
      expect(off.statusCode).toBe(503);
      expect(off.json()).toMatchObject({ code: 'feature_disabled' });
      const fault = await app.inject({ method: 'GET', url: '/test/fault' });
      expect(fault.statusCode).toBe(500);
      const expected = lines.find((l) => l.code === 'feature_disabled')!;
      expect(expected).toMatchObject({ level: 40, status: 503 });
      expect(JSON.stringify(expected)).not.toMatch(/stack|\bat \S+ \(/);
      const failed = lines.find((l) => l.msg === 'request failed')!;
      expect(failed).toMatchObject({ level: 50, err: { message: 'a bug', stack: expect.stringContaining('Error: a bug') } });
    } finally {
      await app.close();
    }
  });

  if (ctx.backend === 'postgres') it('names its server connections tripsage (application_name)', async () => {
    const r = await ctx.db.query<{ name: string }>(`SELECT application_name AS name FROM pg_stat_activity WHERE pid = pg_backend_pid()`);
    expect(r.rows[0]!.name).toBe('tripsage');
  });
});
