/**
 * The identity service's mail: .eml files in an owner-only outbox (the newest OUTBOX_MAX_FILES
 * kept), or SMTP when TRIPSAGE_SMTP_URL is set — here a local SMTP server (smtp-server, from
 * nodemailer's authors) that speaks the protocol.
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createMailer, OUTBOX_MAX_FILES } from '../src/auth/mailer.ts';
import { describeEachBackend } from './harness/backends.ts';
import { buildAuthApp, newEmail } from './harness/auth.ts';

describe('mail outbox', () => {
  it('writes each message as an owner-only .eml file, and keeps only the newest', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tripsage-mail-')), 'outbox');
    const mailer = createMailer(loadConfig({}, { TRIPSAGE_JWT_SECRET: 'x'.repeat(40), TRIPSAGE_MAIL_OUTBOX: dir }));
    expect(mailer.destination).toBe(`outbox ${dir}`);
    for (let i = 0; i < OUTBOX_MAX_FILES + 3; i++) await mailer.send({ to: `n${i}@example.test`, subject: `Message ${i}`, text: 'hello' });
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(OUTBOX_MAX_FILES);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);
  }, 120_000);
});

describeEachBackend('auth mail over SMTP', (ctx) => {
  const received: Array<{ to: string[]; data: string }> = [];
  let smtp: SMTPServer;
  let port: number;
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  it('a recovery code goes out over SMTP, not to the outbox', async () => {
    const t = await buildAuthApp(ctx.db, { TRIPSAGE_SMTP_URL: `smtp://127.0.0.1:${port}`, TRIPSAGE_MAIL_FROM: 'Trips <auth@tripsage.test>' });
    try {
      const email = newEmail();
      await t.signUp(email);
      expect((await t.post('/auth/v1/recover', { email })).statusCode).toBe(200);
      const message = received.find((m) => m.to.includes(email));
      expect(message).toBeDefined();
      expect(message!.data).toMatch(/^Subject: Reset Your Password$/m);
      expect(message!.data).toMatch(/^From: Trips <auth@tripsage\.test>$/m);
      expect(message!.data.replace(/=\r?\n/g, '')).toMatch(/enter the code: \d{6}/); // quoted-printable soft breaks
      expect(readdirSync(t.outbox)).toEqual([]);
    } finally {
      await t.app.close();
    }
  });

  it('a message that cannot be sent fails the request (502) and leaves no live code', async () => {
    const t = await buildAuthApp(ctx.db, { TRIPSAGE_SMTP_URL: 'smtp://127.0.0.1:1' });
    try {
      const email = newEmail();
      await t.signUp(email);
      const r = await t.post('/auth/v1/recover', { email });
      expect(r.statusCode).toBe(502);
      const { rows } = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tripsage.auth_one_time_tokens WHERE relates_to = $1`, [email]);
      expect(rows[0]!.n).toBe(0);
    } finally {
      await t.app.close();
    }
  });
});
