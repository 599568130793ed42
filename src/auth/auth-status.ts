/**
 * The tripsage_auth functions answer a status instead of raising: this is the one place that
 * turns a status into the identity service's error. Also: the emailed codes they are given.
 */
import { randomInt } from 'node:crypto';
import type { Config } from '../config.ts';
import {
  anonymousWithoutEmail,
  emailExists,
  emailNotConfirmed,
  otpExpired,
  overEmailSendRateLimit,
  reauthenticationNeeded,
  reauthenticationNotValid,
  refreshTokenAlreadyUsed,
  refreshTokenNotFound,
  sessionNotFound,
  sessionRequired,
  userNotFound,
  validationFailed,
} from './auth.errors.ts';

/** A fresh emailed code: 6 digits, as GoTrue's default OTP length. */
export const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** The one translation of a tripsage_auth status into the identity service's errors. */
export function failFor(status: string, config: Pick<Config, 'authEmailIntervalSeconds'>): never {
  switch (status) {
    case 'user_not_found':
      throw userNotFound();
    case 'session_not_found':
      throw sessionNotFound();
    case 'session_required':
      throw sessionRequired();
    case 'email_exists':
      throw emailExists();
    case 'reauthentication_needed':
      throw reauthenticationNeeded();
    case 'reauthentication_not_valid':
      throw reauthenticationNotValid();
    case 'anonymous_without_email':
      throw anonymousWithoutEmail();
    case 'over_email_send_rate_limit':
      throw overEmailSendRateLimit(config.authEmailIntervalSeconds);
    case 'no_email':
      throw validationFailed('Reauthentication requires the user to have an email or a phone number');
    case 'email_not_confirmed':
      throw emailNotConfirmed();
    case 'refresh_token_not_found':
      throw refreshTokenNotFound();
    case 'refresh_token_already_used':
      throw refreshTokenAlreadyUsed();
    case 'otp_expired':
      throw otpExpired(false);
    default:
      throw new Error(`tripsage_auth answered an unexpected status: ${status}`);
  }
}

