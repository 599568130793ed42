/**
 * Supabase Auth (GoTrue)-shaped endpoints under /auth/v1, so supabase-js style clients work:
 *
 *   POST /auth/v1/signup                          {email, password, data?}  → session
 *   POST /auth/v1/token?grant_type=password       {email, password}         → session
 *   POST /auth/v1/token?grant_type=refresh_token  {refresh_token}           → session (rotated)
 *   GET  /auth/v1/user                            (bearer)                  → user
 *   PUT  /auth/v1/user                            {email?, password?, data?} → user
 *   POST /auth/v1/logout[?scope=local|global|others] (bearer)               → 204
 *   GET  /auth/v1/admin/users?email=              (service_role)            → {users}
 *
 * Errors use the app's `{code, message, details, hint, request_id}` body with GoTrue's codes
 * (`invalid_grant`, `user_already_exists`, `unsupported_grant_type`, …). In external mode the
 * Supabase project issues tokens, so the endpoints that would issue or change them answer 404
 * `local_auth_disabled`; GET /user answers from the token's claims.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../http/deps.ts';
import { requireServiceRole, requireUserClaims } from '../http/context.ts';
import { invalid } from '../domain/errors.ts';
import { localAuthDisabled } from './auth.errors.ts';
import { createAuthService, PASSWORD_MAX, PASSWORD_MIN } from './auth.service.ts';

// ---- schemas ----------------------------------------------------------------------------------

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be a valid email address' }).max(255, 'must be at most 255 characters'));
const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);
const metadataSchema = z.record(z.string(), z.unknown());
/** Sent by supabase-js on every sign-in; accepted and ignored (no captcha here). */
const metaSecurity = z.object({ captcha_token: z.string().nullish() }).optional();
/** Sent by supabase-js (null unless its PKCE flow is on); accepted and ignored. */
const pkce = { code_challenge: z.string().nullish(), code_challenge_method: z.string().nullish() };

const signUpBody = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  data: metadataSchema.nullish(),
  gotrue_meta_security: metaSecurity,
  ...pkce,
});
const passwordGrantBody = z.strictObject({
  email: z.string().trim().toLowerCase().min(1).max(255),
  password: z.string().min(1).max(1024),
  gotrue_meta_security: metaSecurity,
});
const refreshGrantBody = z.strictObject({ refresh_token: z.string().min(1).max(512) });
const updateUserBody = z.strictObject({
  email: emailSchema.optional(),
  password: passwordSchema.optional(),
  data: metadataSchema.optional(),
  /** GoTrue's reauthentication nonce; no reauthentication here, so ignored. */
  nonce: z.string().optional(),
  ...pkce,
});

export const userSchema = z.object({
  id: z.string(),
  aud: z.string(),
  role: z.string(),
  email: z.string(),
  email_confirmed_at: z.string().nullable(),
  phone: z.string(),
  last_sign_in_at: z.string().nullable(),
  app_metadata: metadataSchema,
  user_metadata: metadataSchema,
  identities: z.array(z.unknown()),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
  is_anonymous: z.boolean(),
});
const sessionSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  expires_at: z.number().int(),
  refresh_token: z.string(),
  user: userSchema,
});

// ---- helpers ----------------------------------------------------------------------------------

/** Validates a body against a schema chosen at run time, with the app's validation error shape. */
function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(root)', message: i.message, where: 'body' }));
  throw invalid('invalid_request', `invalid body: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, { details, hint: 'fix the listed fields (see /docs)' });
}

// ---- routes -----------------------------------------------------------------------------------

export async function registerAuthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const auth = createAuthService(deps);
  const tags = ['auth'];
  const bearer = [{ bearer: [] }];
  const rateLimit = { max: deps.config.authRateLimitPerMinute, timeWindow: '1 minute' };
  // In external mode, before validation: a client learns at once that this server issues nothing.
  const localOnly = async () => {
    if (deps.tokens.mode !== 'local') throw localAuthDisabled();
  };

  r.post('/auth/v1/signup', {
    config: { rateLimit },
    preValidation: localOnly,
    schema: {
      tags,
      security: [],
      summary: 'Sign up with email and password (confirmed at once; no email is sent)',
      body: signUpBody,
      response: { 200: sessionSchema },
    },
  }, async (req) => {
    const b = req.body;
    return auth.signUp({ email: b.email, password: b.password, data: b.data ?? undefined });
  });

  r.post('/auth/v1/token', {
    config: { rateLimit },
    preValidation: localOnly,
    schema: {
      tags,
      security: [],
      summary: 'Sign in (grant_type=password: {email, password}) or refresh (grant_type=refresh_token: {refresh_token})',
      querystring: z.object({ grant_type: z.string().optional() }),
      body: z.record(z.string(), z.unknown()).optional().describe('{email, password} or {refresh_token}, by grant_type'),
      response: { 200: sessionSchema },
    },
  }, async (req) => {
    switch (req.query.grant_type) {
      case 'password': {
        const b = parseBody(passwordGrantBody, req.body);
        return auth.signInWithPassword(b.email, b.password);
      }
      case 'refresh_token': {
        const b = parseBody(refreshGrantBody, req.body);
        return auth.refresh(b.refresh_token);
      }
      default:
        throw invalid('unsupported_grant_type', `unsupported grant_type ${JSON.stringify(req.query.grant_type ?? null)}`, {
          hint: 'use grant_type=password or grant_type=refresh_token',
        });
    }
  });

  r.get('/auth/v1/user', {
    schema: { tags, security: bearer, summary: 'The signed-in user', response: { 200: userSchema } },
  }, async (req) => auth.getUser(requireUserClaims(req)));

  r.put('/auth/v1/user', {
    preValidation: localOnly,
    schema: {
      tags,
      security: bearer,
      summary: "Update the signed-in user's email, password or metadata (a password change signs out the other sessions)",
      body: updateUserBody,
      response: { 200: userSchema },
    },
  }, async (req) => {
    const claims = requireUserClaims(req);
    const b = req.body;
    return auth.updateUser(claims, { email: b.email, password: b.password, data: b.data });
  });

  r.post('/auth/v1/logout', {
    preValidation: localOnly,
    schema: {
      tags,
      security: bearer,
      summary: "Sign out: revoke the token's session (scope=local, default), all sessions (global) or the others",
      querystring: z.object({ scope: z.enum(['local', 'global', 'others']).optional() }),
      response: { 204: z.null().describe('No content') },
    },
  }, async (req, reply) => {
    await auth.logout(requireUserClaims(req), req.query.scope ?? 'local');
    return reply.status(204).send(null);
  });

  r.get('/auth/v1/admin/users', {
    schema: {
      tags,
      security: bearer,
      summary: 'List users, or find one by email (service_role only)',
      querystring: z.object({
        email: z.string().trim().toLowerCase().max(255).optional(),
        page: z.coerce.number().int().min(1).default(1),
        per_page: z.coerce.number().int().min(1).max(1000).default(50),
      }),
      response: { 200: z.object({ users: z.array(userSchema) }) },
    },
  }, async (req) => {
    requireServiceRole(req, 'not_admin');
    const q = req.query;
    return { users: await auth.adminListUsers({ email: q.email, page: q.page, perPage: q.per_page }) };
  });
}
