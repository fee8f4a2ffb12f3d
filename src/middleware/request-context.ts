import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import type { RouteSchemas, ValidatedParts } from '../schemas/json-schema.js';

/** Identity established by the auth layer; handlers receive it as `principal` (see RequestInput). */
export type Principal =
  | { kind: 'user'; username: string; agent: boolean; jti: string; sid: string | null; exp: number; token: string }
  | { kind: 'service'; holder: string }
  | { kind: 'registration'; registrationId: string; token: string }
  | { kind: 'gateway' };

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** The principal each auth kind establishes; its keys are passport.ts's AuthKind. */
export const PRINCIPAL_KIND_BY_AUTH = {
  none: undefined,
  jwt: 'user',
  // A password login has no principal yet: its handler checks the password.
  local: undefined,
  basic: 'service',
  'callback-token': 'gateway',
  'registration-token': 'registration',
} as const satisfies Record<string, Principal['kind'] | undefined>;

type AuthName = keyof typeof PRINCIPAL_KIND_BY_AUTH;

type PrincipalKindOf<A extends AuthName> = (typeof PRINCIPAL_KIND_BY_AUTH)[A];

/** The principal a route of auth kind `A` runs with (undefined for public routes). */
export type PrincipalFor<A extends AuthName> = PrincipalKindOf<A> extends Principal['kind'] ? Extract<Principal, { kind: PrincipalKindOf<A> }> : undefined;

/** What a route handler is handed: the validated parts typed by the route's schemas, and its principal. */
export type RequestInput<A extends AuthName, S extends RouteSchemas = Record<never, never>> = ValidatedParts<S> & { principal: PrincipalFor<A> };

export function setPrincipal(res: Response, principal: Principal): void {
  res.locals.principal = principal;
}

function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/** The signed-in user, for middleware that runs before the handler (e.g. the money guards). */
export function userOf(res: Response): UserPrincipal {
  return principalFor('jwt', res);
}

/** The principal the route's auth kind established; 401 when the auth layer left none of that kind. */
export function principalFor<A extends AuthName>(auth: A, res: Response): PrincipalFor<A> {
  const expected: Principal['kind'] | undefined = PRINCIPAL_KIND_BY_AUTH[auth];
  if (expected === undefined) return undefined as PrincipalFor<A>;
  const principal = principalOf(res);
  if (principal?.kind !== expected) throw new AppError('UNAUTHORIZED');
  // TypeScript cannot narrow a generic conditional type; the kind check above is what makes this true.
  return principal as PrincipalFor<A>;
}

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId ?? '');
}

/** Where a request came from, as the security activity records it. */
export function clientOf(req: Request): { ip: string; device: string | null } {
  return { ip: req.ip ?? 'unknown', device: req.get('user-agent') ?? null };
}
