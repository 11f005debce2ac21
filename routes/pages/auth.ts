/**
 * Dashboard sign-in and sign-out (docs/http.md "Dashboard pages": `/login`, `/logout`) as plain HTML
 * forms, so they work without JavaScript: POST /login sets the session cookie and redirects (303)
 * to where the user was going; a failure re-renders the form with the reason (401 / 403 / 429).
 * POST /logout ends the session (GET /logout only asks, so a foreign link cannot sign anyone out).
 * POST /language stores the user's language (users.language). Forms pass Hono's csrf() origin
 * check in app.ts: browsers send `Origin` with every form POST.
 */
import { Hono } from 'hono';
import { attemptLogin } from '../../services/accounts/login.ts';
import { endSession, setLanguage } from '../../services/accounts/own-account.ts';
import { clientAddress } from '../middleware/client-address.ts';
import { isLang } from '../../views/i18n/index.ts';
import { render } from './hx.ts';
import { clearSessionCookie, setSessionCookie, type AppEnv } from '../middleware/session.ts';
import { knownDeviceTokens, setKnownDeviceCookie } from '../middleware/known-device-cookie.ts';
import { errorPage, pageContext, pageRole, safeNext, type PageDeps } from './kit.ts';

const field = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

export function authPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();

  const loginForm = (c: Parameters<typeof pageContext>[0], extra: { username?: string; next?: string; error?: string }, status: 200 | 400 | 401 | 403 | 429 = 200) => {
    const it = pageContext(c, deps);
    return render(c, {
      page: 'login',
      data: { ...it, title: it.t('login.title'), username: extra.username ?? '', next: safeNext(extra.next), error: extra.error ?? null },
      status,
    });
  };

  app.get('/login', (c) => {
    const next = safeNext(c.req.query('next'));
    if (c.var.user) return c.redirect(next, 303);
    return loginForm(c, { next });
  });

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const username = field(body.username, 200).trim();
    const password = field(body.password, 1000);
    const next = safeNext(field(body.next, 2000));
    const t = pageContext(c, deps).t;
    if (!username || !password) return loginForm(c, { username, next, error: t('login.missing') }, 400);
    const result = await attemptLogin(
      { db: deps.db, writer: deps.writer, sessionTtlMs: deps.config.SESSION_TTL_HOURS * 3_600_000, guard: deps.loginGuard },
      username,
      password,
      deps.now(),
      c.var.sessionId,
      clientAddress(c, deps.config.TRUST_PROXY),
      knownDeviceTokens(c),
    );
    if (result.ok) {
      setSessionCookie(c, result.token, deps);
      setKnownDeviceCookie(c, result.user.id, result.device, deps);
      return c.redirect(next, 303);
    }
    if (result.reason === 'throttled') {
      c.header('Retry-After', String(result.retryAfterSeconds));
      return loginForm(c, { username, next, error: t('login.throttled', { seconds: result.retryAfterSeconds }) }, 429);
    }
    if (result.reason === 'locked') {
      c.header('Retry-After', String(result.retryAfterSeconds));
      return loginForm(c, { username, next, error: t('login.locked', { minutes: Math.ceil(result.retryAfterSeconds / 60) }) }, 429);
    }
    if (result.reason === 'inactive') return loginForm(c, { username, next, error: t('login.inactive') }, 403);
    return loginForm(c, { username, next, error: t('login.failed') }, 401);
  });

  app.get('/logout', (c) => {
    if (!c.var.user) return c.redirect('/login', 303);
    const it = pageContext(c, deps);
    return render(c, { page: 'logout', data: { ...it, title: it.t('logout.title') } });
  });

  app.post('/logout', async (c) => {
    await endSession(deps, c.var.sessionId);
    clearSessionCookie(c, deps);
    return c.redirect('/login', 303);
  });

  app.post('/language', pageRole('user', deps), async (c) => {
    const body = await c.req.parseBody();
    const language = body.language;
    if (!isLang(language)) return errorPage(c, deps, 400);
    await setLanguage(deps, c.var.user!, language);
    return c.redirect(safeNext(field(body.next, 2000)), 303);
  });

  return app;
}
