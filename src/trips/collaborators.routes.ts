/**
 * Travelling together over HTTP: collaborators, invitations, leaving and transferring a trip.
 * Each route runs in the request's transaction as the caller; the service asks the database.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { inTx, requireUserClaims } from '../http/context.ts';
import { bigintId, noContent, uuidId } from '../http/crud.routes.ts';
import { id, ts, uuid } from '../http/schemas.ts';
import * as service from './collaborators.service.ts';
import type { MemberRole } from './collaborators.repo.ts';
import { tripRole } from './trip-list.routes.ts';
import { tripRow } from './trips.schemas.ts';

const BASE = '/api/v1/trips/:trip_id';
const security = [{ bearer: [] }];
const tags = ['travelling together'];
const memberRole = z.enum(['viewer', 'editor', 'admin']);
const tripParams = z.object({ trip_id: bigintId });
const memberParams = z.object({ trip_id: bigintId, user_id: uuidId });

export const memberRow = z.object({
  user_id: uuid, email: z.string().nullable(), name: z.string().nullable(), role: tripRole,
  invited_by: uuid.nullable(), created_at: ts, updated_at: ts,
}).describe('a member of the trip: the owner (role owner) or a collaborator');
export const invitationRow = z.object({
  id, trip_id: id, email: z.string(), role: memberRole, invited_by: uuid.nullable(), created_at: ts, updated_at: ts,
}).describe('a pending invitation: becomes a collaborator when an account with this email appears');
const inviteAnswer = z.union([
  z.object({ status: z.literal('added'), collaborator: memberRow }),
  z.object({ status: z.literal('invited'), invitation: invitationRow }),
]);

type TripP = { trip_id: number };
type MemberP = { trip_id: number; user_id: string };

export function registerCollaboratorRoutes(app: FastifyInstance): void {
  app.get(`${BASE}/collaborators`, {
    schema: { tags, security, summary: 'The trip\'s members: the owner first, then the collaborators', params: tripParams, response: { 200: z.array(memberRow) } },
  }, async (req) => inTx(req, (trx) => service.listMembers(trx, (req.params as TripP).trip_id)));

  app.post(`${BASE}/collaborators`, {
    schema: {
      tags, security, params: tripParams,
      summary: 'Invite by email: an account is added at once; an email without one gets a pending invitation',
      body: z.strictObject({ email: z.string().trim().min(3).max(255).regex(/^[^\s@]+@[^\s@]+$/, 'an email address'), role: memberRole.default('viewer') }),
      response: { 201: inviteAnswer },
    },
  }, async (req, reply) => {
    requireUserClaims(req);
    const { email, role } = req.body as { email: string; role: MemberRole };
    const answer = await inTx(req, (trx) => service.invite(trx, (req.params as TripP).trip_id, email, role));
    return reply.status(201).send(answer);
  });

  app.patch(`${BASE}/collaborators/:user_id`, {
    schema: { tags, security, summary: 'Change a collaborator\'s role', params: memberParams, body: z.strictObject({ role: memberRole }), response: { 200: memberRow } },
  }, async (req) => {
    const { trip_id, user_id } = req.params as MemberP;
    return inTx(req, (trx) => service.changeRole(trx, trip_id, user_id, (req.body as { role: MemberRole }).role));
  });

  app.delete(`${BASE}/collaborators/:user_id`, {
    schema: { tags, security, summary: 'Remove a collaborator (or yourself)', params: memberParams, response: { 204: noContent } },
  }, async (req, reply) => {
    const caller = requireUserClaims(req).sub as string;
    const { trip_id, user_id } = req.params as MemberP;
    await inTx(req, (trx) => service.remove(trx, trip_id, user_id, caller));
    return reply.status(204).send();
  });

  app.post(`${BASE}/leave`, {
    schema: { tags, security, summary: 'Leave a trip shared with you', params: tripParams, response: { 204: noContent } },
  }, async (req, reply) => {
    const caller = requireUserClaims(req).sub as string;
    await inTx(req, (trx) => service.leave(trx, (req.params as TripP).trip_id, caller));
    return reply.status(204).send();
  });

  app.get(`${BASE}/invitations`, {
    schema: { tags, security, summary: 'Pending invitations (owner and admins)', params: tripParams, response: { 200: z.array(invitationRow) } },
  }, async (req) => inTx(req, (trx) => service.listInvitations(trx, (req.params as TripP).trip_id)));

  app.delete(`${BASE}/invitations/:id`, {
    schema: { tags, security, summary: 'Revoke a pending invitation', params: z.object({ trip_id: bigintId, id: bigintId }), response: { 204: noContent } },
  }, async (req, reply) => {
    const { trip_id, id: invitationId } = req.params as { trip_id: number; id: number };
    await inTx(req, (trx) => service.revokeInvitation(trx, trip_id, invitationId));
    return reply.status(204).send();
  });

  app.post(`${BASE}/transfer`, {
    schema: {
      tags, security, params: tripParams, body: z.strictObject({ user_id: uuid.describe('a current collaborator') }),
      summary: 'Transfer the trip to a collaborator (owner only); you stay on it as an admin', response: { 200: tripRow },
    },
  }, async (req) => {
    requireUserClaims(req);
    return inTx(req, (trx) => service.transfer(trx, (req.params as TripP).trip_id, (req.body as { user_id: string }).user_id));
  });
}
