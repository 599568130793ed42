/**
 * 405 for a known path asked with a method it does not have (Fastify's router answers 404 for
 * both): every route is also recorded in a second find-my-way router — the router Fastify itself
 * uses, so paths match exactly as they do for real requests — and the not-found handler asks it
 * which methods the path does have, for the `Allow` header.
 */
import type { FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';

export interface MethodIndex {
  /** The methods routed at this URL's path, sorted; empty when the path is unknown. */
  allowed(url: string): string[];
}

export function trackRouteMethods(app: FastifyInstance, maxParamLength: number): MethodIndex {
  const router = FindMyWay({ maxParamLength });
  const methods = new Set<string>();
  app.addHook('onRoute', (route) => {
    // The CORS preflight route matches every path ('*'): it makes no path "known".
    if (route.url === '*' || route.url === '/*') return;
    for (const m of [route.method].flat()) {
      if (router.hasRoute(m as FindMyWay.HTTPMethod, route.url)) continue;
      router.on(m as FindMyWay.HTTPMethod, route.url, () => {});
      methods.add(m);
    }
  });
  return {
    allowed: (url) => [...methods].filter((m) => router.find(m as FindMyWay.HTTPMethod, url) !== null).sort(),
  };
}
