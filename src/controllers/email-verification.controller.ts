import type { Request, Response } from 'express';
import { ValidationError } from '../errors/app-error.js';
import { localeOf } from '../i18n/locale.js';
import { clientOf, type RequestInput } from '../middleware/request-context.js';
import type { cancelEmailChangeBody, cancelEmailChangeQuery, changeEmailBody, confirmEmailBody, confirmEmailQuery } from '../schemas/email-verification.schema.js';
import type { EmailVerificationService } from '../services/email-verification.service.js';
import { escapeHtml, isFormPost, pageText, sendPage } from './auth.controller.js';

const ipOf = (req: Request) => req.ip ?? 'unknown';

export function createEmailVerificationController(emailVerification: EmailVerificationService) {
  return {
    /** GET /verify-email?token=: a confirmation page; opening it never consumes the token (mail scanners follow links). */
    async confirmEmailPage({ query }: RequestInput<'none', { query: typeof confirmEmailQuery }>, _req: Request, res: Response) {
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
    async confirmEmail({ body, query }: RequestInput<'none', { body: typeof confirmEmailBody; query: typeof confirmEmailQuery }>, req: Request, res: Response) {
      const token = body.token ?? query.token;
      if (!token) throw new ValidationError([{ field: 'token', message: 'is required (body or ?token=)' }], 'Confirmation token is required');
      const result = await emailVerification.confirm(token, clientOf(req));
      const message = 'Your email is confirmed.';
      if (isFormPost(req)) return sendPage(res, 200, 'Email confirmed', `<p>${pageText(res, message)}</p>`);
      res.json({ status: true, message, ...result });
    },

    /**
     * POST /user/email: {new_email, password} changes the email (link to the new address, notice with a cancel link
     * to the old one); {email} alone binds one to an account without a confirmed address. The profile changes when
     * the link is confirmed.
     */
    async requestEmailChange({ body, principal }: RequestInput<'jwt', { body: typeof changeEmailBody }>, req: Request, res: Response) {
      const { username } = principal;
      if (body.new_email !== undefined || body.password !== undefined) {
        const errors = [
          ...(body.new_email === undefined ? [{ field: 'new_email', message: 'is required with password' }] : []),
          ...(body.password === undefined ? [{ field: 'password', message: 'is required with new_email' }] : []),
          ...(body.email !== undefined ? [{ field: 'email', message: 'must not be sent with new_email (use one shape)' }] : []),
        ];
        if (errors.length > 0 || body.new_email === undefined || body.password === undefined) throw new ValidationError(errors, 'Send {new_email, password}');
        await emailVerification.requestChange(username, body.new_email, body.password, clientOf(req), localeOf(res));
        res.json({
          status: true,
          message: 'A confirmation link has been sent to the new address and a notice to the current one; the email changes once the link is confirmed',
        });
        return;
      }
      if (body.email === undefined) throw new ValidationError([{ field: 'new_email', message: 'is required' }], 'Send {new_email, password}');
      await emailVerification.requestBinding(username, body.email, ipOf(req), localeOf(res));
      res.json({ status: true, message: 'A confirmation link has been sent to the new address; it becomes your email once confirmed' });
    },

    /** GET /cancel-email-change?token=: the page of the notice's cancel link; opening it never consumes the token. */
    async cancelEmailChangePage({ query }: RequestInput<'none', { query: typeof cancelEmailChangeQuery }>, _req: Request, res: Response) {
      const token = query.token ?? '';
      if (!token || !(await emailVerification.isCancelUsable(token))) {
        sendPage(res, 200, 'Link expired', '<p>This link no longer works: the change was already confirmed, cancelled or has expired. If you did not ask for it, reset your password now.</p>');
        return;
      }
      sendPage(
        res,
        200,
        'Cancel the email change',
        `<p>Someone asked to change the email of your UserState account. Press the button to cancel it; the account keeps this address.</p>
<form method="post" action="/cancel-email-change"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">Cancel the change</button></form>`,
      );
    },

    /** POST /cancel-email-change: the cancel token as {token} (JSON or the page's form) or ?token=. */
    async cancelEmailChange({ body, query }: RequestInput<'none', { body: typeof cancelEmailChangeBody; query: typeof cancelEmailChangeQuery }>, req: Request, res: Response) {
      const token = body.token ?? query.token;
      if (!token) throw new ValidationError([{ field: 'token', message: 'is required (body or ?token=)' }], 'Cancel token is required');
      await emailVerification.cancelChange(token, clientOf(req));
      const message = 'The email change is cancelled; your account keeps this address. If you did not ask for it, reset your password now.';
      if (isFormPost(req)) return sendPage(res, 200, 'Change cancelled', `<p>${escapeHtml(message)}</p>`);
      res.json({ status: true, message });
    },
  };
}
