import type { createHealthController } from '../controllers/health.controller.js';
import type { RouteDeclaration } from './route.js';

export function healthRoutes(controller: ReturnType<typeof createHealthController>): RouteDeclaration[] {
  return [
    {
      method: 'get',
      path: '/health',
      auth: 'none',
      summary: 'Liveness and dependency status (503 when PostgreSQL or Redis is down)',
      tags: ['System'],
      errors: [503],
      response: {
        status: 200,
        schema: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['OK', 'DEGRADED'] },
            timestamp: { type: 'string', format: 'date-time' },
            uptime: { type: 'number' },
            dependencies: { type: 'object' },
          },
        },
      },
      handler: controller.getHealth,
    },
    {
      method: 'get',
      path: '/health/live',
      auth: 'none',
      summary: 'Liveness: the process answers (no dependency is checked; for restart decisions)',
      tags: ['System'],
      response: {
        status: 200,
        schema: { type: 'object', properties: { status: { type: 'string', enum: ['OK'] }, uptime: { type: 'number' } } },
      },
      handler: controller.getLive,
    },
    {
      method: 'get',
      path: '/health/ready',
      auth: 'none',
      summary: 'Readiness: PostgreSQL and Redis are reachable (503 otherwise; for load balancers and container health)',
      tags: ['System'],
      errors: [503],
      response: {
        status: 200,
        schema: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['OK', 'DEGRADED'] },
            timestamp: { type: 'string', format: 'date-time' },
            uptime: { type: 'number' },
            dependencies: { type: 'object' },
          },
        },
      },
      handler: controller.getHealth,
    },
  ];
}
