/**
 * Travelling together, without the DOM: what an invitation did, and share links — the API hands
 * out a token once (POST …/share-links); the address a person opens is the app's own read-only
 * page for it, /shared/{token}, which reads /api/v1/shared/{token} without signing in.
 */
import type { InviteResult } from '../api/types.ts';

/** What inviting an email did, in words: added at once (an account exists) or pending. */
export function inviteOutcome(result: InviteResult): string {
  if (result.status === 'added') {
    const m = result.collaborator;
    return `${m.name ? `${m.name} (${m.email})` : m.email} now has access as ${m.role}.`;
  }
  const i = result.invitation;
  return `No account uses ${i.email} yet: an invitation as ${i.role} is pending, and becomes access when they sign up with that address.`;
}

/** The app's address for a share token (base64url, so it needs no escaping; escaped anyway). */
export function shareUrl(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, '')}/shared/${encodeURIComponent(token)}`;
}

/** Whether a link's expiry has passed (the API refuses it then; the list says so). */
export function isExpired(expiresAt: string | null, now: Date = new Date()): boolean {
  if (!expiresAt) return false;
  const t = new Date(expiresAt).getTime();
  return !Number.isNaN(t) && t <= now.getTime();
}
