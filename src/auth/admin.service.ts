/**
 * GoTrue's admin API over auth.users: list (paged), create, read, update, delete. The caller must
 * hold a service_role token, and the work runs as that caller (its one request transaction), so
 * the database's grants have the last word. An operator's changes apply at once: an email set here
 * needs no confirmation, a password set here signs out every session of the user.
 */
import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import { isDbError } from '../db/errors.ts';
import type { RunTx } from '../db/transaction.ts';
import { adminUserNotFound, emailExists, validationFailed } from './auth.errors.ts';
import * as repo from './auth.repo.ts';
import { normalizeEmail } from './auth.service.ts';
import { toAuthUser, type AuthUser } from './gotrue-objects.ts';
import { checkPasswordStrength, hashPassword } from './passwords.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** GoTrue's default page size; TripSage also caps it, so one request reads a bounded page. */
export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 1000;

export interface AdminUserInput {
  id?: string;
  email?: string;
  password?: string;
  email_confirm?: boolean;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
}

export interface UserList {
  users: AuthUser[];
  aud: 'authenticated';
  total: number;
}

export function checkUserId(id: string): string {
  if (!UUID.test(id)) throw new DomainError('not_found', 'validation_failed', 'user_id must be an UUID');
  return id.toLowerCase();
}

async function hashIfGiven(password: string | undefined): Promise<string | undefined> {
  if (password === undefined || password === '') return undefined;
  checkPasswordStrength(password);
  return hashPassword(password);
}

/** The unique index on lower(email) decides a race between two writers of one address. */
async function uniqueEmail<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (isDbError(e, 'unique')) throw emailExists();
    throw e;
  }
}

export const adminService = {
  async list(asCaller: RunTx, p: { page: number; perPage: number; filter?: string; email?: string }): Promise<UserList> {
    const perPage = Math.min(p.perPage, MAX_PER_PAGE);
    const page = await asCaller((trx) => repo.listUsers(trx, { email: p.email, filter: p.filter, limit: perPage, offset: (p.page - 1) * perPage }));
    return { users: page.rows.map(toAuthUser), aud: 'authenticated', total: page.total };
  },

  async get(asCaller: RunTx, id: string): Promise<AuthUser> {
    const row = await asCaller((trx) => repo.findUserById(trx, checkUserId(id)));
    if (!row) throw adminUserNotFound();
    return toAuthUser(row);
  },

  async create(asCaller: RunTx, input: AdminUserInput): Promise<AuthUser> {
    if (!input.email) throw validationFailed('Cannot create a user without either an email or phone');
    const email = normalizeEmail(input.email);
    if (input.id !== undefined && !UUID.test(input.id)) throw validationFailed('ID must conform to the uuid v4 format');
    // No password: a random one nobody knows (the user signs in after a password recovery).
    const encryptedPassword = (await hashIfGiven(input.password)) ?? (await hashPassword(randomBytes(32).toString('base64url')));
    return uniqueEmail(asCaller(async (trx) => {
      if (await repo.findUserByEmail(trx, email)) throw emailExists();
      const created = await repo.insertUser(trx, {
        id: input.id,
        email,
        encryptedPassword,
        confirmed: input.email_confirm === true,
        appMetadata: { provider: 'email', providers: ['email'], ...input.app_metadata },
        userMetadata: input.user_metadata ?? {},
      });
      return toAuthUser((await repo.findUserById(trx, created.id))!);
    }));
  },

  async update(asCaller: RunTx, id: string, input: AdminUserInput): Promise<AuthUser> {
    const userId = checkUserId(id);
    const email = input.email ? normalizeEmail(input.email) : undefined;
    const encryptedPassword = await hashIfGiven(input.password);
    return uniqueEmail(asCaller(async (trx) => {
      if (!(await repo.findUserById(trx, userId))) throw adminUserNotFound();
      const other = email && (await repo.findUserByEmail(trx, email));
      if (other && other.id !== userId) throw emailExists();
      await repo.adminUpdateUser(trx, userId, {
        email,
        confirmEmail: input.email_confirm,
        encryptedPassword,
        userMetadata: input.user_metadata,
        appMetadata: input.app_metadata,
      });
      if (encryptedPassword) await repo.revokeUserSessions(trx, userId, 'password_change');
      return toAuthUser((await repo.findUserById(trx, userId))!);
    }));
  },

  async remove(asCaller: RunTx, id: string, soft: boolean): Promise<Record<string, never>> {
    const userId = checkUserId(id);
    await asCaller(async (trx) => {
      if (soft) {
        if (!(await repo.softDeleteUser(trx, userId))) throw adminUserNotFound();
        await repo.revokeUserSessions(trx, userId, 'admin');
      } else if (!(await repo.deleteUser(trx, userId))) {
        throw adminUserNotFound();
      }
    });
    return {};
  },
};
