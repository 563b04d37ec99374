import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { ChatError } from '../../protocol/index.js';
import { adminKeyMatches } from './admin-guard.js';

export interface MetricsRouteOptions {
  registry: Registry;
  adminKey: string | undefined;
  /** A key that opens `/metrics` only, for the Prometheus scrape config. */
  metricsKey: string | undefined;
}

/**
 * `GET /metrics` in the Prometheus text format. It needs `Authorization: Bearer` with the
 * metrics key or the admin key: load figures and error rates are not for the public, and a
 * separate metrics key keeps the admin key (which can send as anyone) out of Prometheus.
 */
export function metricsRoutes(app: FastifyInstance, options: MetricsRouteOptions): void {
  app.get('/metrics', async (req, reply) => {
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!adminKeyMatches(presented, options.metricsKey) && !adminKeyMatches(presented, options.adminKey)) {
      throw new ChatError('ADMIN_REQUIRED', 'GET /metrics needs the metrics key or the admin key.');
    }
    const text = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(text);
  });
}
