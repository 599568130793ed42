import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRIP_ROLES, type Member } from '../src/api/types.ts';
import { formatMoney } from '../src/lib/decimal.ts';
import { can, roleLabel, type TripAction } from '../src/lib/roles.ts';
import { inviteOutcome, isExpired, shareUrl } from '../src/lib/together.ts';

describe('what a role on a trip allows (the controls the app shows)', () => {
  // docs/trip-planning.md, "Travelling together": the table the database enforces.
  const table: Record<TripAction, string[]> = {
    edit: ['owner', 'admin', 'editor'],
    manage: ['owner', 'admin'],
    delete: ['owner'],
    transfer: ['owner'],
    leave: ['admin', 'editor', 'viewer'],
  };
  for (const [action, allowed] of Object.entries(table)) {
    it(`${action}: ${allowed.join(', ')}`, () => {
      for (const role of TRIP_ROLES) expect(can(role, action as TripAction), `${role} ${action}`).toBe(allowed.includes(role));
    });
  }

  it('no role (not loaded yet, or an unknown value) allows nothing', () => {
    for (const action of Object.keys(table) as TripAction[]) {
      expect(can(undefined, action)).toBe(false);
      expect(can(null, action)).toBe(false);
      expect(can('superuser' as never, action)).toBe(false);
    }
  });

  it('names the role on a trip card', () => {
    expect(roleLabel('owner')).toBe('Your trip');
    expect(roleLabel('editor')).toBe('Shared with you · editor');
  });
});

describe('invitations and share links', () => {
  const member: Member = { user_id: 'u', email: 'bob@example.test', name: 'Bob', role: 'editor', invited_by: null, created_at: '', updated_at: '' };

  it('says whether the invitee was added or is pending', () => {
    expect(inviteOutcome({ status: 'added', collaborator: member })).toBe('Bob (bob@example.test) now has access as editor.');
    expect(inviteOutcome({ status: 'added', collaborator: { ...member, name: null } })).toBe('bob@example.test now has access as editor.');
    const pending = inviteOutcome({ status: 'invited', invitation: { id: 1, trip_id: 2, email: 'new@example.test', role: 'viewer', invited_by: null, created_at: '', updated_at: '' } });
    expect(pending).toMatch(/^No account uses new@example.test yet: an invitation as viewer is pending/);
  });

  it('builds the app\'s address for a token', () => {
    expect(shareUrl('http://127.0.0.1:8787', 'abc-_XYZ')).toBe('http://127.0.0.1:8787/shared/abc-_XYZ');
    expect(shareUrl('https://trips.example/', 'tok')).toBe('https://trips.example/shared/tok');
    // Any base64url token stays as it is in the path.
    fc.assert(fc.property(fc.base64String({ minLength: 4, maxLength: 60 }), (b64) => {
      const token = b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      expect(shareUrl('http://h', token)).toBe(`http://h/shared/${token}`);
    }));
    expect(shareUrl('http://h', 'a/b?c')).toBe('http://h/shared/a%2Fb%3Fc');
  });

  it('knows when a link has expired', () => {
    const now = new Date('2026-05-01T12:00:00Z');
    expect(isExpired(null, now)).toBe(false);
    expect(isExpired('2026-05-01T11:59:59Z', now)).toBe(true);
    expect(isExpired('2026-05-01T12:00:00Z', now)).toBe(true);
    expect(isExpired('2026-05-01T12:00:01+00:00', now)).toBe(false);
    expect(isExpired('not a date', now)).toBe(false);
  });
});

describe('amounts with their currency', () => {
  it('shows the API\'s digits and code, never converting', () => {
    expect(formatMoney('1234.50', 'EUR')).toBe('1,234.50 EUR');
    expect(formatMoney('2000', 'JPY')).toBe('2,000 JPY');
    expect(formatMoney('10.00', null)).toBe('10.00');
    expect(formatMoney(null, 'EUR')).toBe('—');
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.constantFrom('EUR', 'USD', 'KWD'), (n, c) => {
      const v = `${n}.125`;
      expect(formatMoney(v, c).replace(/,/g, '')).toBe(`${v} ${c}`);
    }));
  });
});
