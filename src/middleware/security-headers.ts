import type { RequestHandler } from 'express';
import helmet from 'helmet';

type Directives = NonNullable<NonNullable<Parameters<typeof helmet.contentSecurityPolicy>[0]>['directives']>;

/**
 * helmet's Content-Security-Policy (its defaults plus `directives`), with `upgrade-insecure-requests` only on a request
 * that arrived over TLS (`req.secure`, which honours the trust proxy setting for X-Forwarded-Proto). Sent over plain
 * HTTP it makes a browser on a LAN host (not a "potentially trustworthy" origin like localhost) fetch the page's
 * scripts and styles over HTTPS, which that host does not serve.
 */
export function contentSecurityPolicy(directives: Directives = {}): RequestHandler {
  const overTls = helmet.contentSecurityPolicy({ directives });
  const overPlainHttp = helmet.contentSecurityPolicy({ directives: { ...directives, 'upgrade-insecure-requests': null } });
  return (req, res, next) => (req.secure ? overTls : overPlainHttp)(req, res, next);
}

/** helmet's headers for every answer, with the CSP above in place of its fixed one. */
export function securityHeaders(): RequestHandler[] {
  return [helmet({ contentSecurityPolicy: false }), contentSecurityPolicy()];
}
