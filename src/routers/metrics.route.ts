import type { createMetricsController } from '../controllers/metrics.controller.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function metricsRoutes(controller: ReturnType<typeof createMetricsController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      auth: 'basic',
      summary: 'Prometheus metrics (text format): HTTP, logins, lockouts, OTP and mail sends, callbacks, payouts, Xendit, pool, event loop, ledger check',
      description: 'An internal service (Basic API key), e.g. Prometheus. Answers the metrics in the Prometheus text format. Changes nothing.',
      tags: ['System'],
      response: { status: 200, description: 'Prometheus text exposition format 0.0.4', contentType: 'text/plain', schema: { type: 'string' } },
      handler: controller.getMetrics,
    }),
  ];
}
