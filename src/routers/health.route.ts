import type { createHealthController } from '../controllers/health.controller.js';
import type { JsonSchema } from '../schemas/json-schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

const dependency: JsonSchema = { type: 'string', enum: ['up', 'down', 'off'], description: 'off: not configured (MongoDB without MONGO_DB)' };
const healthResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'timestamp', 'uptime', 'dependencies'],
  properties: {
    status: { type: 'string', enum: ['OK', 'DEGRADED'] },
    timestamp: { type: 'string', format: 'date-time' },
    uptime: { type: 'number', description: 'seconds since the process started', example: 3600.5 },
    dependencies: {
      type: 'object',
      required: ['postgres', 'redis', 'mongo'],
      properties: { postgres: dependency, redis: dependency, mongo: dependency },
    },
  },
};

/** PostgreSQL or Redis is down: the same report, with status DEGRADED and the one that is down. */
const degraded = {
  status: 503,
  description: 'PostgreSQL or Redis is down: the same report with status DEGRADED (try again after Retry-After seconds)',
  example: { status: 'DEGRADED', timestamp: '2026-01-01T00:00:00.000Z', uptime: 3600.5, dependencies: { postgres: 'down', redis: 'up', mongo: 'off' } },
};

export function healthRoutes(controller: ReturnType<typeof createHealthController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      auth: 'none',
      summary: 'Liveness and dependency status (503 when PostgreSQL or Redis is down)',
      description: 'Anyone may call it. Reports whether the process is up and whether PostgreSQL, Redis and (when configured) MongoDB answer; 503 with status DEGRADED when one is down. Changes nothing.',
      tags: ['System'],
      response: {
        status: 200,
        schema: healthResponse,
        alsoAt: [degraded],
      },
      handler: controller.getHealth,
    }),
    defineRoute({
      method: 'get',
      path: '/health/live',
      auth: 'none',
      summary: 'Liveness: the process answers (no dependency is checked; for restart decisions)',
      description: 'Anyone may call it. Answers 200 as long as the process handles requests, without checking any dependency; for restart decisions of a supervisor. Changes nothing.',
      tags: ['System'],
      response: {
        status: 200,
        schema: { type: 'object', required: ['status', 'uptime'], properties: { status: { type: 'string', enum: ['OK'] }, uptime: { type: 'number', example: 3600.5 } } },
      },
      handler: controller.getLive,
    }),
    defineRoute({
      method: 'get',
      path: '/health/ready',
      auth: 'none',
      summary: 'Readiness: PostgreSQL and Redis are reachable (503 otherwise; for load balancers and container health)',
      description: 'Anyone may call it. Answers 200 when PostgreSQL and Redis are reachable and 503 otherwise, so a load balancer stops sending traffic. Changes nothing.',
      tags: ['System'],
      response: {
        status: 200,
        schema: healthResponse,
        alsoAt: [degraded],
      },
      handler: controller.getHealth,
    }),
  ];
}
