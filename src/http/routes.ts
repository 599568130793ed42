/**
 * Every feature module's routes, in one list.
 */
import type { FastifyInstance } from 'fastify';
import { registerAuthRoutes } from '../auth/auth.routes.ts';
import { registerChatRoutes } from '../chat/chat.routes.ts';
import { registerKeyRoutes } from '../keys/keys.routes.ts';
import { registerMeRoutes } from '../auth/me.routes.ts';
import { registerMemoryRoutes } from '../memory/memory.routes.ts';
import { registerSearchHistoryRoutes } from '../insights/search-history.routes.ts';
import { registerPriceRoutes } from '../insights/prices.routes.ts';
import { registerSearchInsightsRoutes } from '../insights/insights.routes.ts';
import { registerAdminRoutes } from '../ops/admin.routes.ts';
import { registerRestRoutes } from '../rest/routes.ts';
import { registerTripRoutes } from '../trips/trips.routes.ts';
import type { AppDeps } from './deps.ts';
import { modelSource } from '../assistant/provider.ts';
import { registerReplyRoutes } from '../chat/reply.routes.ts';
import { registerMcpRoutes } from '../mcp/mcp.routes.ts';
import { createMemoryAccess } from '../memory/memory.access.ts';

export async function registerApiRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await registerAuthRoutes(app, deps);
  registerMeRoutes(app);
  registerTripRoutes(app);
  registerChatRoutes(app);
  const memory = createMemoryAccess(deps);
  const assistant = { config: deps.config, memory, models: modelSource({ config: deps.config, db: deps.db, override: deps.languageModel }) };
  registerReplyRoutes(app, assistant);
  registerMcpRoutes(app, memory);
  registerSearchInsightsRoutes(app);
  registerSearchHistoryRoutes(app);
  registerKeyRoutes(app, deps);
  registerMemoryRoutes(app, memory);
  registerPriceRoutes(app);
  registerAdminRoutes(app);
  await registerRestRoutes(app, deps);
}
