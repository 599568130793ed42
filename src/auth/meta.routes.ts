/**
 * GoTrue's public endpoints about the service itself: GET /settings (what sign-ins are on),
 * GET /health, GET /.well-known/jwks.json (the public signing keys: none with HS256).
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../http/deps.ts';
import { localAuthDisabled } from './auth.errors.ts';

export const GOTRUE_COMPATIBLE_VERSION = 'tripsage';

export function registerMetaRoutes(scope: FastifyInstance, { config, tokens }: AppDeps): void {
  const tags = ['auth'];
  const local = () => {
    if (tokens.mode !== 'local') throw localAuthDisabled();
  };

  scope.get('/settings', { schema: { tags, security: [], summary: 'Which sign-in methods are enabled (GoTrue settings)' } }, async () => {
    local();
    return {
      external: { anonymous_users: config.authAnonymous, email: true, phone: false },
      disable_signup: !config.authSignup,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
    };
  });

  scope.get('/health', { schema: { tags, security: [], summary: 'GoTrue health check' } }, async () => ({
    version: GOTRUE_COMPATIBLE_VERSION,
    name: 'GoTrue',
    description: 'TripSage: a GoTrue-compatible user registration and authentication API',
  }));

  scope.get('/.well-known/jwks.json', { schema: { tags, security: [], summary: 'The public keys that verify access tokens (empty with HS256)' } }, async (_req, reply) => {
    local();
    reply.header('cache-control', 'public, max-age=600');
    return tokens.jwks();
  });
}
