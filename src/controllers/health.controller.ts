import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { HealthService } from '../services/health.service.js';

export function createHealthController(health: HealthService) {
  return {
    async getHealth(_input: RequestInput<'none'>, _req: Request, res: Response) {
      const report = await health.report();
      res.status(report.status === 'OK' ? 200 : 503).json(report);
    },

    getLive(_input: RequestInput<'none'>, _req: Request, res: Response) {
      res.json(health.live());
    },
  };
}
