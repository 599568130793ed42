/**
 * Supabase Auth (GoTrue) under /auth/v1, as supabase-js 2.x calls it:
 *
 *   POST /signup                         {email, password, data?} → session; {} → anonymous session (when enabled)
 *   POST /token?grant_type=password      {email, password}        → session
 *   POST /token?grant_type=refresh_token {refresh_token}          → session (the refresh token rotates)
 *   POST /recover                        {email}                  → {} (a code and link go to the outbox)
 *   POST /verify                         {type, token_hash} | {type, email, token} → session
 *   GET  /verify?token=&type=&redirect_to= (the emailed link)     → 303 to redirect_to#access_token=…
 *   GET/PUT /user, POST /logout, GET /reauthenticate (user.routes.ts)
 *   /admin/users…                        (admin.routes.ts)
 *   GET /settings, /health, /.well-known/jwks.json (meta.routes.ts)
 *
 * Errors speak GoTrue's wire format (gotrue-wire.ts). In external mode the Supabase project issues
 * tokens, so what would issue or change them answers 404 `local_auth_disabled`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../http/deps.ts';
import { isDomainError } from '../domain/errors.ts';
import { registerAdminRoutes } from './admin.routes.ts';
import { unsupportedGrantType } from './auth.errors.ts';
import { runnersOf } from './auth-guards.ts';
import { createAuthMail } from './auth-mail.ts';
import { recoverBody, redirectQuery, sessionSchema, signUpBody, tokenBody, verifyBody, emptyObject } from './auth.schemas.ts';
import { createAuthService } from './auth.service.ts';
import { speakGoTrueErrors } from './gotrue-wire.ts';
import { createMailer } from './mailer.ts';
import { registerMetaRoutes } from './meta.routes.ts';
import { createOtpService } from './otp.service.ts';
import { createUserService } from './user.service.ts';
import { registerUserRoutes } from './user.routes.ts';

export async function registerAuthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(async (scope) => {
    speakGoTrueErrors(scope);
    scope.setNotFoundHandler((req, reply) =>
      reply.status(404).type('application/json').send(JSON.stringify({ code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` })),
    );
    const mail = createAuthMail(deps.config, createMailer(deps.config));
    const services = {
      auth: createAuthService(deps),
      user: createUserService({ ...deps, mail }),
      otp: createOtpService({ ...deps, mail }),
    };
    registerSessionRoutes(scope, deps, services);
    registerUserRoutes(scope, services.user);
    registerAdminRoutes(scope);
    registerMetaRoutes(scope, deps);
  }, { prefix: '/auth/v1' });
}

interface Services {
  auth: ReturnType<typeof createAuthService>;
  otp: ReturnType<typeof createOtpService>;
}

function registerSessionRoutes(scope: FastifyInstance, deps: AppDeps, { auth, otp }: Services): void {
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const rateLimit = { max: deps.config.authRateLimitPerMinute, timeWindow: '1 minute' };

  r.post('/signup', {
    config: { rateLimit },
    schema: { tags, security: [], summary: 'Sign up with email and password (confirmed at once), or anonymously', body: signUpBody, response: { 200: sessionSchema } },
  }, async (req) => {
    const b = req.body ?? {};
    const { asService } = runnersOf(req);
    // GoTrue's router: neither email nor phone means an anonymous sign-in.
    if (!b.email && !b.phone) return auth.signUpAnonymously(asService, b.data ?? undefined);
    return auth.signUp(asService, { email: b.email, password: b.password, data: b.data ?? undefined });
  });

  r.post('/token', {
    config: { rateLimit },
    schema: {
      tags,
      security: [],
      summary: 'Sign in (grant_type=password) or refresh (grant_type=refresh_token)',
      querystring: z.looseObject({ grant_type: z.string().optional() }),
      body: tokenBody,
      response: { 200: sessionSchema },
    },
  }, async (req) => {
    const b = req.body ?? {};
    const { asService, asAnon } = runnersOf(req);
    switch (req.query.grant_type) {
      case 'password':
        return auth.signInWithPassword(asService, b.email, b.password);
      case 'refresh_token':
        return auth.refresh(asAnon, b.refresh_token);
      default:
        throw unsupportedGrantType();
    }
  });

  r.post('/recover', {
    config: { rateLimit },
    schema: {
      tags,
      security: [],
      summary: 'Email a password-recovery code and link (to the outbox, or SMTP when configured)',
      querystring: redirectQuery,
      body: recoverBody,
      response: { 200: emptyObject },
    },
  }, async (req) => otp.recover(runnersOf(req).asAnon, req.body?.email, req.query.redirect_to));

  r.post('/verify', {
    config: { rateLimit },
    schema: { tags, security: [], summary: 'Exchange an emailed code (recovery, email_change) for a session', body: verifyBody, response: { 200: sessionSchema } },
  }, async (req) => otp.verifyPost(runnersOf(req).asAnon, req.body ?? {}));

  r.get('/verify', {
    config: { rateLimit },
    schema: {
      tags,
      security: [],
      summary: "The emailed link: redirects to redirect_to (or the site URL) with the session in the fragment, or the error",
      querystring: z.looseObject({ token: z.string().max(256).optional(), type: z.string().max(32).optional(), redirect_to: z.string().max(2048).optional() }),
    },
  }, async (req, reply) => {
    const target = otp.redirectTarget(req.query.redirect_to);
    let fragment: URLSearchParams;
    try {
      const s = await otp.verifyLink(runnersOf(req).asAnon, req.query.type, req.query.token);
      fragment = new URLSearchParams({
        access_token: s.access_token,
        expires_at: String(s.expires_at),
        expires_in: String(s.expires_in),
        refresh_token: s.refresh_token,
        token_type: s.token_type,
        type: req.query.type!,
      });
    } catch (e) {
      if (!isDomainError(e)) throw e;
      fragment = new URLSearchParams({ error: 'access_denied', error_code: e.code, error_description: e.message });
    }
    return reply.redirect(`${target.split('#')[0]}#${fragment}`, 303);
  });
}
