/**
 * Emailed codes: password recovery (POST /recover → the code or link → /verify) and the
 * confirmation of an email change. Both act before there is a signed-in user, so they run as anon
 * and the tripsage_auth functions take the code as the only authority: a code is single use,
 * expires (TRIPSAGE_AUTH_OTP_EXPIRY), and is stored only as a hash.
 */
import type { Config } from '../config.ts';
import type { RunTx } from '../db/transaction.ts';
import { localAuthDisabled, validationFailed } from './auth.errors.ts';
import { publicBaseUrl, type AuthMail } from './auth-mail.ts';
import * as fns from './auth-functions.repo.ts';
import { failFor, newCode } from './auth-status.ts';
import { newRefreshToken, normalizeEmail, sha256 } from './auth.service.ts';
import { sessionResponse, toAuthUser, type AuthSession } from './gotrue-objects.ts';
import type { TokenService } from './tokens.ts';

export const VERIFY_TYPES = ['recovery', 'email_change'] as const;
export type VerifyType = (typeof VERIFY_TYPES)[number];

export interface VerifyInput {
  type?: string;
  token?: string;
  token_hash?: string;
  email?: string;
  phone?: string;
}

/** A code as presented: its link's token hash, or its address and digits. */
type CodeInput = Omit<fns.VerifyInput, 'refreshHash'>;

export interface OtpServiceDeps {
  config: Config;
  tokens: TokenService;
  mail: AuthMail;
}

/** GoTrue's VerifyParams.Validate for POST /verify, for the types TripSage sends. */
function verifyParams(v: VerifyInput): CodeInput {
  if (!v.type) throw validationFailed('Verify requires a verification type');
  if (!(VERIFY_TYPES as readonly string[]).includes(v.type)) throw validationFailed('Unsupported verification type');
  const type = v.type as VerifyType;
  if (Boolean(v.token) === Boolean(v.token_hash)) throw validationFailed('Verify requires either a token or a token hash');
  if (v.token_hash) {
    if (v.email || v.phone) throw validationFailed('Only the token_hash and type should be provided');
    return { type, tokenHash: v.token_hash.toLowerCase(), };
  }
  if (v.phone || !v.email) throw validationFailed('Only an email address or phone number should be provided on verify');
  return { type, address: normalizeEmail(v.email), code: v.token!.trim(), };
}

export function createOtpService({ config, tokens, mail }: OtpServiceDeps) {
  const requireLocal = () => {
    if (tokens.mode !== 'local') throw localAuthDisabled();
  };

  async function verify(asAnon: RunTx, input: CodeInput): Promise<AuthSession> {
    const refresh = newRefreshToken();
    const r = await asAnon((trx) => fns.verifyOtp(trx, { ...input, refreshHash: sha256(refresh) }));
    if (r.status !== 'ok') failFor(r.status, config);
    return sessionResponse({ config, tokens }, toAuthUser(r), { id: r.session_id!, method: r.session_method!, created_at: r.session_created_at! }, refresh);
  }

  return {
    /** POST /recover: 200 `{}` whether or not the email has an account (nothing to enumerate). */
    async recover(asAnon: RunTx, rawEmail: string | undefined, redirectTo: string | undefined): Promise<Record<string, never>> {
      requireLocal();
      if (!rawEmail) throw validationFailed('Password recovery requires an email');
      const email = normalizeEmail(rawEmail);
      await asAnon(async (trx) => {
        const code = newCode();
        const r = await fns.requestRecovery(trx, email, { code, lifetimeSeconds: config.authOtpExpirySeconds, intervalSeconds: config.authEmailIntervalSeconds });
        if (r.status === 'no_user') return;
        if (r.status !== 'ok') failFor(r.status, config);
        // Sent inside the transaction: a message that cannot be sent leaves no live code.
        await mail.recovery(email, code, r.link_hash!, redirectTo);
      });
      return {};
    },

    /** POST /verify: the code (with its address) or the link's token hash → a session. */
    verifyPost(asAnon: RunTx, input: VerifyInput): Promise<AuthSession> {
      requireLocal();
      return verify(asAnon, verifyParams(input));
    },

    /** GET /verify (the emailed link): the token hash → a session, for a redirect. */
    verifyLink(asAnon: RunTx, type: string | undefined, tokenHash: string | undefined): Promise<AuthSession> {
      requireLocal();
      if (!type) throw validationFailed('Verify requires a verification type');
      if (!tokenHash) throw validationFailed('Verify requires a token or a token hash');
      return verify(asAnon, verifyParams({ type, token_hash: tokenHash }));
    },

    /**
     * Where an emailed link lands: `redirect_to` when it is the site URL's origin or starts with
     * one of TRIPSAGE_AUTH_REDIRECT_URLS (GoTrue's allow list), the site URL otherwise.
     */
    redirectTarget(requested: string | undefined): string {
      const site = config.siteUrl ?? publicBaseUrl(config);
      if (!requested) return site;
      const allowed = config.authRedirectUrls.split(',').map((u) => u.trim()).filter(Boolean);
      let origin: string;
      try {
        origin = new URL(requested).origin;
      } catch {
        return site;
      }
      return origin === new URL(site).origin || allowed.some((a) => requested.startsWith(a)) ? requested : site;
    },
  };
}

export type OtpService = ReturnType<typeof createOtpService>;
