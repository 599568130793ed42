/**
 * The identity service's errors, with GoTrue's codes so Supabase clients recognise them.
 */
import { DomainError, forbidden, invalid, unprocessable } from '../domain/errors.ts';

export const invalidGrant = (message: string, hint: string | null = null) => invalid('invalid_grant', message, { hint });
export const invalidCredentials = () => invalidGrant('Invalid login credentials', 'check the email and password, or sign up first');
export const emailNotConfirmed = () => invalid('email_not_confirmed', 'Email not confirmed');
export const localAuthDisabled = () =>
  new DomainError(
    'not_found',
    'local_auth_disabled',
    'local sign-in is disabled (TRIPSAGE_AUTH=external): tokens come from the Supabase project; sign in through its Auth API',
    { hint: 'use the Supabase project URL with supabase-js, then send its access token here' },
  );
export const userAlreadyExists = () =>
  unprocessable('user_already_exists', 'User already registered', { hint: 'sign in with POST /auth/v1/token?grant_type=password' });
export const emailExists = () =>
  unprocessable('email_exists', 'A user with this email address has already been registered', { hint: 'choose another email' });
export const userNotFound = () => forbidden('user_not_found', 'User from sub claim in JWT does not exist', { hint: 'sign up again' });
export const samePassword = () => unprocessable('same_password', 'New password should be different from the old password.');
