/**
 * /auth/v1 endpoints that act on the signed-in user: GET/PUT /user, POST /logout,
 * GET /reauthenticate. A logged-out or revoked session's access token gets 403
 * `session_not_found` from each (auth-js then drops its session); see user.service.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireUserToken, runnersOf } from './auth-guards.ts';
import { emptyObject, redirectQuery, updateUserBody, userSchema } from './auth.schemas.ts';
import type { UserService } from './user.service.ts';

export function registerUserRoutes(scope: FastifyInstance, users: UserService): void {
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const security = [{ bearer: [] }];

  r.get('/user', {
    schema: { tags, security, summary: 'The signed-in user', response: { 200: userSchema } },
  }, async (req) => users.getUser(runnersOf(req).asCaller, requireUserToken(req)));

  r.put('/user', {
    schema: {
      tags,
      security,
      summary: "Update the user's metadata, password (a recent sign-in or a reauthentication nonce) or email (confirmed by a code sent to the new address)",
      querystring: redirectQuery,
      body: updateUserBody,
      response: { 200: userSchema },
    },
  }, async (req) => {
    requireUserToken(req);
    const b = req.body ?? {};
    const { asCaller, asService } = runnersOf(req);
    return users.updateUser(asCaller, asService, { email: b.email, password: b.password, data: b.data ?? undefined, nonce: b.nonce }, req.query.redirect_to);
  });

  r.post('/logout', {
    schema: {
      tags,
      security,
      summary: 'Sign out: every session (scope=global, the default), this one (local) or the others',
      querystring: z.looseObject({ scope: z.string().optional() }),
      response: { 204: z.null().describe('No content') },
    },
  }, async (req, reply) => {
    requireUserToken(req);
    await users.logout(runnersOf(req).asCaller, req.query.scope || 'global');
    return reply.status(204).send(null);
  });

  r.get('/reauthenticate', {
    schema: { tags, security, summary: 'Email a nonce that allows a password change outside the recent-sign-in window', response: { 200: emptyObject } },
  }, async (req) => {
    requireUserToken(req);
    await users.reauthenticate(runnersOf(req).asCaller);
    return {};
  });
}
