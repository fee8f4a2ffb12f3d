import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { Metrics } from '../services/metrics.service.js';

export function createMetricsController(metrics: Pick<Metrics, 'render' | 'contentType'>) {
  return {
    async getMetrics(_input: RequestInput<'basic'>, _req: Request, res: Response) {
      res.type(metrics.contentType).send(await metrics.render());
    },
  };
}
