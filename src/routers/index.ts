import { createHealthController } from '../controllers/health.controller.js';
import type { Services } from '../services/index.js';
import { healthRoutes } from './health.route.js';
import type { RouteDeclaration } from './route.js';

/** Every route of the API, feature by feature. A route that is not listed here does not exist. */
export function buildRoutes(services: Services): RouteDeclaration[] {
  return [...healthRoutes(createHealthController(services.health))];
}
