import type { RequestHandler } from 'express';
import { negotiateLocale } from '../i18n/locale.js';
import { translateMessage } from '../i18n/translate.js';

/**
 * Negotiates the answer's language from `Accept-Language` (res.locals.locale) and translates the `message` of
 * success bodies (`{status: true, message}`) on the way out, so controllers keep writing English. Error envelopes
 * are translated by the error handler.
 */
export const localeMiddleware: RequestHandler = (req, res, next) => {
  const locale = negotiateLocale(req);
  res.locals.locale = locale;
  res.vary('Accept-Language');
  if (locale !== 'en') {
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        const answer = body as { status?: unknown; message?: unknown };
        if (answer.status === true && typeof answer.message === 'string') {
          return json({ ...answer, message: translateMessage(answer.message, locale) });
        }
      }
      return json(body);
    };
  }
  next();
};
