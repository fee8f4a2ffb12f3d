import type { Request, Response } from 'express';
import { AppError, ValidationError } from '../errors/app-error.js';
import { localeOf, type Locale } from '../i18n/locale.js';
import { t } from '../i18n/translate.js';
import { clientOf, type RequestInput } from '../middleware/request-context.js';
import type {
  checkEmailBody,
  deactivateBody,
  loginBody,
  requestResetBody,
  resendOtpBody,
  resetPasswordBody,
  signUpBody,
  tokenQuery,
  updatePasswordBody,
  verifySignUpBody,
} from '../schemas/auth.schema.js';
import type { AuthService } from '../services/auth.service.js';
import type { PasswordService } from '../services/password.service.js';
import type { RegistrationService } from '../services/registration.service.js';
import type { SessionService } from '../services/session.service.js';

export interface AuthControllerDeps {
  auth: AuthService;
  registration: RegistrationService;
  passwords: PasswordService;
  sessions: SessionService;
}

const ipOf = (req: Request) => req.ip ?? 'unknown';
const expiresAt = (exp: number) => new Date(exp * 1000).toISOString();
export const isFormPost = (req: Request) => Boolean(req.is('application/x-www-form-urlencoded'));
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A small self-contained page: no script (helmet's default CSP forbids inline script), only an inline style
 * (allowed by that CSP) and plain forms posting back to this origin.
 */
function page(title: string, body: string, locale: Locale): string {
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} - UserState</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
button{font-size:1rem;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#1f6feb;color:#fff;cursor:pointer}
input{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box;margin:.3rem 0 1rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** Sends a page whose `title` (an English catalogue text) is translated here; `body` is built with `pageText`. */
export function sendPage(res: Response, status: number, title: string, body: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('html').send(page(t(localeOf(res), title), body, localeOf(res)));
}

/** A catalogue text in the request's language, HTML-escaped for a page. */
export const pageText = (res: Response, text: string) => escapeHtml(t(localeOf(res), text));

export function createAuthController(deps: AuthControllerDeps) {
  const { auth, registration, passwords, sessions } = deps;
  return {
    /** POST /auth: checks username-or-email + password and starts a session. */
    async login({ body }: RequestInput<'local', { body: typeof loginBody }>, req: Request, res: Response) {
      const result = await auth.login({
        identifier: body.username,
        password: body.password,
        ip: ipOf(req),
        device: body.device_name,
        userAgent: req.get('user-agent'),
      });
      res.json({ token: result.token, agent: result.agent, expires_at: expiresAt(result.exp) });
    },

    async signUp({ body }: RequestInput<'none', { body: typeof signUpBody }>, req: Request, res: Response) {
      const result = await registration.signUp(body, ipOf(req), localeOf(res));
      const message =
        result.mode === 'OTP'
          ? 'Sign-up received: enter the code we sent by SMS'
          : 'Sign-up received: open the link we sent to your email to confirm your account';
      // `token` is the name a client of the original system reads; same value as registration_token.
      res.status(201).json({ status: true, message, ...result, token: result.registration_token });
    },

    async checkEmail({ body }: RequestInput<'none', { body: typeof checkEmailBody }>, req: Request, res: Response) {
      // The original system's clients read 409 for a registered email; `registered` is in both answers.
      if (await registration.isEmailRegistered(body.email, ipOf(req))) {
        throw new AppError('EMAIL_ALREADY_REGISTERED', undefined, { fields: { registered: true } });
      }
      res.json({ status: true, registered: false, message: 'Email is available' });
    },

    /** GET /verify-sign-up?token=: a confirmation page; opening it never consumes the token (mail scanners follow links). */
    async verifySignUpPage({ query }: RequestInput<'none', { query: typeof tokenQuery }>, _req: Request, res: Response) {
      const token = query.token ?? '';
      if (!token || !(await registration.isLinkUsable(token))) {
        sendPage(res, 200, 'Link expired', `<p>${pageText(res, 'This confirmation link is invalid, already used or has expired. Sign up again or request a new link from the app.')}</p>`);
        return;
      }
      sendPage(
        res,
        200,
        'Confirm your account',
        `<p>${pageText(res, 'Press the button to confirm your UserState account.')}</p>
<form method="post" action="/verify-sign-up"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">${pageText(res, 'Confirm my account')}</button></form>`,
      );
    },

    /** POST /verify-sign-up: registration token + {otp} (OTP mode), or the link token (LINK mode). */
    async verifySignUp({ body, principal }: RequestInput<'registration-token', { body: typeof verifySignUpBody; query: typeof tokenQuery }>, req: Request, res: Response) {
      const { username } = await registration.verify(principal.token, body.otp);
      const message = 'Your account is confirmed. You can now log in.';
      if (isFormPost(req)) return sendPage(res, 201, 'Account confirmed', `<p>${pageText(res, message)}</p>`);
      res.status(201).json({ status: true, message, username });
    },

    async resendOtp({ principal }: RequestInput<'registration-token', { body: typeof resendOtpBody }>, req: Request, res: Response) {
      const result = await registration.resend(principal.token, ipOf(req));
      const message = result.mode === 'OTP' ? 'A new code has been sent by SMS' : 'A new confirmation link has been sent to your email';
      res.json({ status: true, message, ...result });
    },

    async requestReset({ body }: RequestInput<'none', { body: typeof requestResetBody }>, req: Request, res: Response) {
      await passwords.requestReset(body.email, ipOf(req), localeOf(res));
      res.json({ status: true, message: 'If this email is registered, a link to reset the password has been sent to it' });
    },

    /** GET /reset-pwd?token=: a small form; never consumes the token. */
    async resetPasswordPage({ query }: RequestInput<'none', { query: typeof tokenQuery }>, _req: Request, res: Response) {
      const token = query.token ?? '';
      if (!token || !(await passwords.isResetTokenUsable(token))) {
        sendPage(res, 200, 'Link expired', `<p>${pageText(res, 'This reset link is invalid, already used or has expired. Request a new one from the app.')}</p>`);
        return;
      }
      sendPage(
        res,
        200,
        'Choose a new password',
        `<form method="post" action="/reset-pwd"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="password">${pageText(res, 'New password (8 to 72 bytes)')}</label><input id="password" type="password" name="password" autocomplete="new-password" required minlength="8">
<button type="submit">${pageText(res, 'Save the new password')}</button></form>`,
      );
    },

    async resetPassword({ body, query }: RequestInput<'none', { body: typeof resetPasswordBody; query: typeof tokenQuery }>, req: Request, res: Response) {
      const token = body.token ?? query.token;
      if (!token) throw new ValidationError([{ field: 'token', message: 'is required (body or ?token=)' }], 'Reset token is required');
      await passwords.resetPassword(token, body.password, clientOf(req));
      const message = 'Your password has been changed. Log in with the new password.';
      if (isFormPost(req)) return sendPage(res, 200, 'Password changed', `<p>${pageText(res, message)}</p>`);
      res.json({ status: true, message });
    },

    async updatePassword({ body, principal: user }: RequestInput<'jwt', { body: typeof updatePasswordBody }>, req: Request, res: Response) {
      const result = await passwords.updatePassword(user.username, body.old_password, body.new_password, { ip: ipOf(req), sid: user.sid });
      res.json({
        status: true,
        message: 'Password updated; every other session has been signed out',
        token: result.token,
        agent: result.agent,
        expires_at: expiresAt(result.exp),
      });
    },

    async extend({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      const result = await sessions.extend(principal);
      res.json({ status: true, token: result.token, agent: result.agent, expires_at: expiresAt(result.exp) });
    },

    verify({ principal: user }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json({ status: true, user: user.username, agent: user.agent });
    },

    async logout({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      await sessions.logout(principal);
      res.json({ status: true, message: 'Logged out' });
    },

    async deactivate({ body, principal }: RequestInput<'jwt', { body: typeof deactivateBody }>, req: Request, res: Response) {
      await sessions.deactivate(principal, body.reason, clientOf(req));
      res.json({ status: true, message: 'Account deactivated' });
    },

    whoami({ principal }: RequestInput<'basic'>, _req: Request, res: Response) {
      res.json({ status: true, holder: principal.holder });
    },
  };
}
