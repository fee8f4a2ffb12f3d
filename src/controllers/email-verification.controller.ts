import type { Request, Response } from 'express';
import { ValidationError } from '../errors/app-error.js';
import { localeOf } from '../i18n/locale.js';
import { inputOf, userOf } from '../middleware/request-context.js';
import type { EmailVerificationService } from '../services/email-verification.service.js';
import { escapeHtml, isFormPost, pageText, sendPage } from './auth.controller.js';

const ipOf = (req: Request) => req.ip ?? 'unknown';

export function createEmailVerificationController(emailVerification: EmailVerificationService) {
  return {
    /** GET /verify-email?token=: a confirmation page; opening it never consumes the token (mail scanners follow links). */
    async confirmEmailPage(_req: Request, res: Response) {
      const { query } = inputOf<unknown, { token?: string }>(res);
      const token = query.token ?? '';
      if (!token || !(await emailVerification.isConfirmationUsable(token))) {
        sendPage(res, 200, 'Link expired', `<p>${pageText(res, 'This confirmation link is invalid, already used or has expired. Request a new one from the app.')}</p>`);
        return;
      }
      sendPage(
        res,
        200,
        'Confirm your email',
        `<p>${pageText(res, 'Press the button to confirm this email address for your UserState account.')}</p>
<form method="post" action="/verify-email"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">${pageText(res, 'Confirm my email')}</button></form>`,
      );
    },

    /** POST /verify-email: the mailed token as {token} (JSON or the page's form) or ?token=. */
    async confirmEmail(req: Request, res: Response) {
      const { body, query } = inputOf<{ token?: string }, { token?: string }>(res);
      const token = body.token ?? query.token;
      if (!token) throw new ValidationError([{ field: 'token', message: 'is required (body or ?token=)' }], 'Confirmation token is required');
      const result = await emailVerification.confirm(token);
      const message = 'Your email is confirmed.';
      if (isFormPost(req)) return sendPage(res, 200, 'Email confirmed', `<p>${pageText(res, message)}</p>`);
      res.json({ status: true, message, ...result });
    },

    /** POST /user/email: mail a link for a new address; the profile changes when it is confirmed. */
    async requestEmailChange(req: Request, res: Response) {
      const { body } = inputOf<{ email: string }>(res);
      await emailVerification.requestChange(userOf(res).username, body.email, ipOf(req), localeOf(res));
      res.json({ status: true, message: 'A confirmation link has been sent to the new address; it becomes your email once confirmed' });
    },
  };
}
