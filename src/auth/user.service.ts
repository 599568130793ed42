/**
 * What a signed-in user does to their own account: read it, update it, sign out, ask for a
 * reauthentication code. Everything runs as the user (their one request transaction) through the
 * tripsage_auth functions, which check that the identity exists and the token's session is live.
 *
 * Credential changes (issue 10): they need a live session; a password change needs a sign-in
 * within TRIPSAGE_AUTH_REAUTH_WINDOW or the nonce of GET /reauthenticate, and signs out the other
 * sessions; an email change takes effect only when the code sent to the new address comes back
 * (POST /verify, type email_change).
 */
import type { Config } from '../config.ts';
import type { RunTx } from '../db/transaction.ts';
import { localAuthDisabled, samePassword, sessionRequired, validationFailed } from './auth.errors.ts';
import { failFor, newCode } from './auth-status.ts';
import * as fns from './auth-functions.repo.ts';
import type { UserResult } from './auth-functions.repo.ts';
import * as repo from './auth.repo.ts';
import { normalizeEmail } from './auth.service.ts';
import { toAuthUser, userFromClaims, type AuthUser } from './gotrue-objects.ts';
import type { AuthMail } from './auth-mail.ts';
import { checkPasswordStrength, hashPassword, verifyPassword } from './passwords.ts';
import type { TokenService } from './tokens.ts';

const okUser = (r: UserResult, config: Config): AuthUser => (r.status === 'ok' || r.status === 'unchanged' ? toAuthUser(r) : failFor(r.status, config));

export interface UpdateUserInput {
  email?: string;
  password?: string;
  data?: Record<string, unknown>;
  nonce?: string;
}

export interface UserServiceDeps {
  config: Config;
  tokens: TokenService;
  mail: AuthMail;
}

export function createUserService({ config, tokens, mail }: UserServiceDeps) {
  const local = tokens.mode === 'local';
  const requireLocal = () => {
    if (!local) throw localAuthDisabled();
  };
  const codeRequest = () => ({ code: newCode(), lifetimeSeconds: config.authOtpExpirySeconds, intervalSeconds: config.authEmailIntervalSeconds });

  return {
    /** GET /user (external mode: the token's claims are all there is to tell). */
    async getUser(asUser: RunTx, claims: Record<string, unknown>): Promise<AuthUser> {
      if (!local) return userFromClaims(claims);
      return okUser(await asUser((trx) => fns.me(trx)), config);
    },

    /** PUT /user. The checks that need no hashing come first, in a read of their own. */
    async updateUser(asUser: RunTx, asService: RunTx, input: UpdateUserInput, redirectTo?: string): Promise<AuthUser> {
      requireLocal();
      const newEmail = input.email === undefined || input.email === '' ? undefined : normalizeEmail(input.email);
      const current = await asUser((trx) => fns.me(trx));
      if (current.status !== 'ok') failFor(current.status, config);
      let passwordHash: string | undefined;
      if (input.password !== undefined && input.password !== '') {
        checkPasswordStrength(input.password);
        if (current.session_id === null) throw sessionRequired();
        // GoTrue's same_password: compared with the stored hash, read as service_role (the hash
        // never leaves the server; docs/architecture.md lists this exception).
        const stored = await asService((trx) => repo.findUserById(trx, current.id));
        if (stored?.encrypted_password && (await verifyPassword(input.password, stored.encrypted_password))) throw samePassword();
        passwordHash = await hashPassword(input.password);
      }
      return asUser(async (trx) => {
        let r = await fns.updateUser(trx, { userMetadata: input.data, passwordHash, nonce: input.nonce, recentSeconds: config.authReauthWindowSeconds });
        if (r.status !== 'ok') failFor(r.status, config);
        if (newEmail !== undefined) {
          const code = codeRequest();
          r = await fns.requestEmailChange(trx, newEmail, code);
          // Sent inside the transaction: a message that cannot be sent leaves no pending change.
          if (r.status === 'ok') await mail.emailChange(newEmail, code.code, r.link_hash!, redirectTo);
        }
        return okUser(r, config);
      });
    },

    /** POST /logout?scope=local|global|others. */
    async logout(asUser: RunTx, scope: string): Promise<void> {
      requireLocal();
      const status = await asUser((trx) => fns.logout(trx, scope));
      if (status === 'invalid_scope') throw validationFailed(`Unsupported logout scope ${JSON.stringify(scope)}`);
      if (status !== 'ok') failFor(status, config);
    },

    /** GET /reauthenticate: emails a nonce that allows one password change. */
    async reauthenticate(asUser: RunTx): Promise<void> {
      requireLocal();
      await asUser(async (trx) => {
        const code = codeRequest();
        const r = await fns.reauthenticate(trx, code);
        if (r.status !== 'ok') failFor(r.status, config);
        await mail.reauthentication(r.email!, code.code);
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;

