import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { HealthService } from '../services/health.service.js';

export function createHealthController(health: HealthService) {
  return {
    async getHealth(_input: RequestInput<'none'>, _req: Request, res: Response) {
      const report = await health.report();
      if (report.status !== 'OK') res.status(503).set('Retry-After', '5');
      res.json(report);
    },

    getLive(_input: RequestInput<'none'>, _req: Request, res: Response) {
      res.json(health.live());
    },
  };
}
