/**
 * The identity service's errors, with GoTrue's codes, statuses and messages (supabase/auth,
 * internal/api), so supabase-js surfaces `error.code` as it does against Supabase. The kind gives
 * the status (src/http/errors.ts); /auth/v1 then speaks GoTrue's wire shape (gotrue-wire.ts).
 */
import { DomainError, forbidden, invalid, rateLimited, unauthenticated, unprocessable } from '../domain/errors.ts';

export const validationFailed = (message: string) => invalid('validation_failed', message);
export const invalidCredentials = () => invalid('invalid_credentials', 'Invalid login credentials', { hint: 'check the email and password, or sign up first' });
export const unsupportedGrantType = () =>
  invalid('invalid_credentials', 'unsupported_grant_type', { hint: 'use grant_type=password or grant_type=refresh_token' });
export const emailNotConfirmed = () => invalid('email_not_confirmed', 'Email not confirmed');
export const weakPassword = (message: string, reasons: string[]) => unprocessable('weak_password', message, { details: { reasons } });
export const userAlreadyExists = () =>
  unprocessable('user_already_exists', 'User already registered', { hint: 'sign in with POST /auth/v1/token?grant_type=password' });
export const emailExists = () => unprocessable('email_exists', 'A user with this email address has already been registered', { hint: 'choose another email' });
export const signupDisabled = () => unprocessable('signup_disabled', 'Signups not allowed for this instance');
export const anonymousDisabled = () =>
  unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled', { hint: 'set TRIPSAGE_AUTH_ANONYMOUS=on to allow them' });
export const noAuthorization = () => unauthenticated('no_authorization', 'This endpoint requires a valid Bearer token');
export const badJwt = (message: string) => forbidden('bad_jwt', message);
export const userNotFound = () => forbidden('user_not_found', 'User from sub claim in JWT does not exist', { hint: 'sign up again' });
export const sessionNotFound = () =>
  forbidden('session_not_found', 'Session from session_id claim in JWT does not exist', { hint: 'the session was signed out or revoked: sign in again' });
export const sessionRequired = () =>
  forbidden('session_not_found', 'This token belongs to no session: changing an email or password needs a signed-in session', {
    hint: 'sign in (POST /auth/v1/token?grant_type=password) and use that access token',
  });
export const refreshTokenNotFound = () => invalid('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found', { hint: 'sign in again' });
export const refreshTokenAlreadyUsed = () =>
  invalid('refresh_token_already_used', 'Invalid Refresh Token: Already Used', { hint: 'each refresh token works once; sign in again' });
export const samePassword = () => unprocessable('same_password', 'New password should be different from the old password.');
export const reauthenticationNeeded = () =>
  invalid('reauthentication_needed', 'Password update requires reauthentication', {
    hint: 'sign in again, or call GET /auth/v1/reauthenticate and send the emailed code as `nonce`',
  });
export const reauthenticationNotValid = () => unprocessable('reauthentication_not_valid', 'Nonce has expired or is invalid');
export const anonymousWithoutEmail = () =>
  unprocessable('validation_failed', 'Updating password of an anonymous user without an email or phone is not allowed');
export const otpExpired = (link: boolean) =>
  forbidden('otp_expired', link ? 'Email link is invalid or has expired' : 'Token has expired or is invalid');
export const overEmailSendRateLimit = (seconds: number) =>
  rateLimited('over_email_send_rate_limit', `For security purposes, you can only request this after ${seconds} seconds.`, { retryAfter: seconds });
export const notAdmin = () => forbidden('not_admin', 'User not allowed', { hint: 'call the admin API with a service_role token' });
export const adminUserNotFound = () => new DomainError('not_found', 'user_not_found', 'User not found');
export const localAuthDisabled = () =>
  new DomainError(
    'not_found',
    'local_auth_disabled',
    'local sign-in is disabled (TRIPSAGE_AUTH=external): tokens come from the Supabase project; sign in through its Auth API',
    { hint: 'use the Supabase project URL with supabase-js, then send its access token here' },
  );
