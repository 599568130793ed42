/**
 * Outgoing mail of the identity service (password recovery, email change, reauthentication).
 * No mail server is assumed: by default each message is written, fully formed (RFC 5322, by
 * nodemailer), as an `.eml` file into the outbox directory (TRIPSAGE_MAIL_OUTBOX, default
 * `<data dir>/outbox`), owner-only, since a message holds a sign-in code. With TRIPSAGE_SMTP_URL
 * it is sent over SMTP instead. The outbox keeps the newest OUTBOX_MAX_FILES messages.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';

export const OUTBOX_MAX_FILES = 1000;

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Where mail goes, for start-up messages: "outbox <dir>" or "smtp <host>". */
  readonly destination: string;
}

export const outboxDir = (config: Config): string => resolve(config.mailOutbox ?? join(config.dataDir, 'outbox'));

function sendFailed(cause: unknown): DomainError {
  return new DomainError('upstream_failed', 'mail_send_failed', 'the email could not be sent', { hint: 'try again later', cause });
}

function smtpMailer(config: Config, url: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(url);
  return {
    destination: `smtp ${new URL(url).host}`,
    async send(m) {
      try {
        await transport.sendMail({ from: config.mailFrom, to: m.to, subject: m.subject, text: m.text });
      } catch (e) {
        throw sendFailed(e);
      }
    },
  };
}

function outboxMailer(config: Config): Mailer {
  const dir = outboxDir(config);
  const compose = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    destination: `outbox ${dir}`,
    async send(m) {
      try {
        const info = await compose.sendMail({ from: config.mailFrom, to: m.to, subject: m.subject, text: m.text });
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        // Names sort by time: the oldest go first when the outbox is full.
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
        writeFileSync(join(dir, name), info.message as Buffer, { mode: 0o600, flag: 'wx' });
        const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
        for (const old of files.slice(0, Math.max(0, files.length - OUTBOX_MAX_FILES))) unlinkSync(join(dir, old));
      } catch (e) {
        throw sendFailed(e);
      }
    },
  };
}

export function createMailer(config: Config): Mailer {
  return config.smtpUrl ? smtpMailer(config, config.smtpUrl) : outboxMailer(config);
}
