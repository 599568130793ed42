/**
 * The shapes of /auth/v1, for validation and the OpenAPI document. Request bodies are GoTrue's:
 * fields of the wrong type are refused, fields it does not know are ignored (as Go's JSON decoding
 * ignores them — auth-js sends extras such as `gotrue_meta_security` and `code_challenge`), and
 * what a field must contain is checked by the service, with GoTrue's messages.
 */
import { z } from 'zod';

const metadata = z.record(z.string(), z.unknown());
const text = z.string().max(1024);

export const signUpBody = z
  .looseObject({ email: text.optional(), phone: text.optional(), password: text.optional(), data: metadata.nullish() })
  .nullish()
  .describe('{email, password, data?}; without email and phone: an anonymous sign-in (when enabled)');

export const tokenBody = z
  .looseObject({ email: text.optional(), phone: text.optional(), password: text.optional(), refresh_token: text.optional() })
  .nullish()
  .describe('grant_type=password: {email, password}; grant_type=refresh_token: {refresh_token}');

export const updateUserBody = z
  .looseObject({ email: text.optional(), password: text.optional(), data: metadata.nullish(), nonce: text.optional() })
  .nullish()
  .describe('{email?, password?, data?, nonce?}');

export const recoverBody = z.looseObject({ email: text.optional() }).nullish().describe('{email}');

export const verifyBody = z
  .looseObject({ type: text.optional(), token: text.optional(), token_hash: text.optional(), email: text.optional(), phone: text.optional() })
  .nullish()
  .describe('{type: "recovery" | "email_change", token_hash} or {type, email, token}');

export const adminUserBody = z
  .looseObject({
    id: text.optional(),
    email: text.optional(),
    password: text.optional(),
    email_confirm: z.boolean().optional(),
    user_metadata: metadata.nullish(),
    app_metadata: metadata.nullish(),
  })
  .nullish()
  .describe('{email, password?, email_confirm?, user_metadata?, app_metadata?}');

export const redirectQuery = z.looseObject({ redirect_to: z.string().max(2048).optional() });

const timestamp = z.string().optional();
export const identitySchema = z.object({
  identity_id: z.string(),
  id: z.string(),
  user_id: z.string(),
  identity_data: metadata,
  provider: z.string(),
  email: z.string(),
  last_sign_in_at: z.string().nullable(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});

export const userSchema = z.object({
  id: z.string(),
  aud: z.string(),
  role: z.string(),
  email: z.string(),
  phone: z.string(),
  email_confirmed_at: timestamp,
  confirmed_at: timestamp,
  new_email: z.string().optional(),
  email_change_sent_at: timestamp,
  last_sign_in_at: timestamp,
  app_metadata: metadata,
  user_metadata: metadata,
  identities: z.array(identitySchema),
  created_at: z.string(),
  updated_at: z.string(),
  is_anonymous: z.boolean(),
});

export const sessionSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  expires_at: z.number().int(),
  refresh_token: z.string(),
  user: userSchema,
});

export const emptyObject = z.object({}).describe('{}');
