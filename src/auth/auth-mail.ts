/**
 * The identity service's messages, after GoTrue's default templates: each carries a link to
 * GET /auth/v1/verify (the token hash) and the 6-digit code (for POST /verify {email, token, type}).
 */
import type { Config } from '../config.ts';
import type { Mailer } from './mailer.ts';

export interface AuthMail {
  recovery(email: string, code: string, linkHash: string, redirectTo?: string): Promise<void>;
  emailChange(newEmail: string, code: string, linkHash: string, redirectTo?: string): Promise<void>;
  reauthentication(email: string, code: string): Promise<void>;
}

/** The base URL clients reach the server at (links in emails point there). */
export const publicBaseUrl = (config: Config) => (config.publicUrl ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');

export function createAuthMail(config: Config, mailer: Mailer): AuthMail {
  const verifyLink = (type: string, linkHash: string, redirectTo: string | undefined) => {
    const q = new URLSearchParams({ token: linkHash, type, ...(redirectTo ? { redirect_to: redirectTo } : {}) });
    return `${publicBaseUrl(config)}/auth/v1/verify?${q}`;
  };
  const minutes = Math.round(config.authOtpExpirySeconds / 60);
  return {
    recovery: (email, code, linkHash, redirectTo) =>
      mailer.send({
        to: email,
        subject: 'Reset Your Password',
        text: `Reset Password\n\nFollow this link to reset the password for your user:\n\n${verifyLink('recovery', linkHash, redirectTo)}\n\n` +
          `Alternatively, enter the code: ${code}\n\nThe link and the code work once, within ${minutes} minutes.\n`,
      }),
    emailChange: (newEmail, code, linkHash, redirectTo) =>
      mailer.send({
        to: newEmail,
        subject: 'Confirm Email Change',
        text: `Confirm Change of Email\n\nFollow this link to confirm the update of your email to ${newEmail}:\n\n` +
          `${verifyLink('email_change', linkHash, redirectTo)}\n\nAlternatively, enter the code: ${code}\n\n` +
          `Until you do, your account keeps its current email. The link and the code work once, within ${minutes} minutes.\n`,
      }),
    reauthentication: (email, code) =>
      mailer.send({
        to: email,
        subject: 'Confirm reauthentication',
        text: `Confirm reauthentication\n\nEnter the code: ${code}\n\nIt works once, within ${minutes} minutes.\n`,
      }),
  };
}
