import type { Request, Response } from 'express';

/** The languages the API answers in; the first is the default. */
export const LOCALES = ['en', 'id'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** A stored value (a column, a Redis field) as a locale; anything unknown is the default. */
export function toLocale(value: unknown): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

/**
 * The language `Accept-Language` prefers among ours, by q-value (Express's `acceptsLanguages`, i.e. negotiator):
 * `id`, `id-ID` or `id;q=0.9, en;q=0.5` give `id`; no header, `*` or only other languages give English.
 */
export function negotiateLocale(req: Request): Locale {
  if (!req.get('accept-language')) return DEFAULT_LOCALE;
  return toLocale(req.acceptsLanguages(...LOCALES));
}

/** The language negotiated for this request (set by the locale middleware; English before it ran). */
export function localeOf(res: Response): Locale {
  return toLocale(res.locals.locale);
}
