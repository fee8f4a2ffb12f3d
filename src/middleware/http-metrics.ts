import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../services/metrics.service.js';

/** The declared route a request matched (e.g. `/address/:id`), never the raw URL: labels stay few. */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/** Times every request into the HTTP duration histogram by method, declared route and status. */
export function createHttpMetrics(metrics: Pick<Metrics, 'httpDuration'>): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
}
