import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';

/** Identity established by the auth layer, read by controllers with `principalOf(res)`. */
export type Principal =
  | { kind: 'user'; username: string; agent: boolean; jti: string; sid: string | null; exp: number; token: string }
  | { kind: 'service'; holder: string }
  | { kind: 'registration'; registrationId: string; token: string }
  | { kind: 'gateway' };

export interface ValidatedInput<B = unknown, Q = unknown, P = unknown> {
  body: B;
  query: Q;
  params: P;
}

/** Validated request parts, as the validator left them in res.locals (never written over req.query). */
export function inputOf<B = Record<string, never>, Q = Record<string, never>, P = Record<string, never>>(res: Response): ValidatedInput<B, Q, P> {
  const locals = res.locals as { body?: B; query?: Q; params?: P };
  return { body: (locals.body ?? {}) as B, query: (locals.query ?? {}) as Q, params: (locals.params ?? {}) as P };
}

export function setPrincipal(res: Response, principal: Principal): void {
  res.locals.principal = principal;
}

export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

export function userOf(res: Response): Extract<Principal, { kind: 'user' }> {
  const principal = principalOf(res);
  if (principal?.kind !== 'user') throw new AppError('UNAUTHORIZED');
  return principal;
}

export function serviceOf(res: Response): Extract<Principal, { kind: 'service' }> {
  const principal = principalOf(res);
  if (principal?.kind !== 'service') throw new AppError('UNAUTHORIZED');
  return principal;
}

export function registrationOf(res: Response): Extract<Principal, { kind: 'registration' }> {
  const principal = principalOf(res);
  if (principal?.kind !== 'registration') throw new AppError('UNAUTHORIZED');
  return principal;
}

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId ?? '');
}

/** Where a request came from, as the security activity records it. */
export function clientOf(req: Request): { ip: string; device: string | null } {
  return { ip: req.ip ?? 'unknown', device: req.get('user-agent') ?? null };
}
