/**
 * The signed-in user's profile (public.users): GET and PATCH /api/v1/me. Runs as the caller:
 * RLS shows and updates only their own row; a profile RLS hides is a 404, as a missing one is.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTx } from '../http/context.ts';
import { notFound } from '../domain/errors.ts';
import { requireUserClaims } from '../http/context.ts';
import { getOwnProfile, updateOwnProfile } from './profile.repo.ts';

export const profileSchema = z.object({
  id: z.number().int(),
  auth_user_id: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string(),
  preferences_json: z.unknown(),
  created_at: z.string(),
  updated_at: z.string(),
});

const patchBody = z.strictObject({
  name: z.string().trim().max(200, 'must be at most 200 characters').nullable().optional(),
  preferences_json: z.record(z.string(), z.unknown()).nullable().optional(),
});

export function registerMeRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['me'];
  const security = [{ bearer: [] }];

  r.get('/api/v1/me', {
    schema: { tags, security, summary: "The signed-in user's profile", response: { 200: profileSchema } },
  }, async (req) => {
    requireUserClaims(req);
    const row = await inTx(req, (trx) => getOwnProfile(trx));
    if (!row) throw notFound('profile');
    return row;
  });

  r.patch('/api/v1/me', {
    schema: {
      tags,
      security,
      summary: "Update the signed-in user's name or preferences",
      body: patchBody,
      response: { 200: profileSchema },
    },
  }, async (req) => {
    requireUserClaims(req);
    const row = await inTx(req, (trx) => updateOwnProfile(trx, req.body));
    if (!row) throw notFound('profile');
    return row;
  });
}
