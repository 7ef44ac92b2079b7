import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { OAUTH_COOKIE } from '../../shared/http/oidc.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { type FakeCognito, startFakeCognito, type Tamper } from './fake-cognito.ts';
import { startTestStack } from './helpers.ts';
import { seedIntake, TEST_NOW, TEST_SECRET } from './http-seed.ts';

type App = ReturnType<typeof createHttpApp>;

/** The app's origin in these tests (what API Gateway's domain is in AWS). */
const ORIGIN = 'http://intake.test';

const STAFF = { email: 'li@swt.example.gov.cn', 'cognito:groups': ['staff'] };
const CHANGZHI = { email: 'cz@sw.example.gov.cn', 'cognito:groups': ['bureau'], 'custom:city': 'changzhi' };

/** name=value pairs of the cookies a response sets (an emptied cookie is left out). */
function cookiesSet(response: Response): Record<string, string> {
  return Object.fromEntries(
    response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0]!.split('=') as [string, string])
      .filter(([, value]) => value !== ''),
  );
}

function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

describe('staff sign-in through the Cognito hosted UI (authorization code with PKCE)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let cognito: FakeCognito;
  let app: App;

  const request = (path: string, cookies: Record<string, string> = {}, init: RequestInit = {}) =>
    app.request(new URL(path, ORIGIN).toString(), {
      ...init,
      headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader(cookies) },
    });

  /** /auth/login, then the provider's authorize endpoint: the callback URL and the cookies the app set. */
  async function startSignIn(user: Record<string, unknown>, next = '/') {
    cognito.signInAs(user);
    const login = await request(`/auth/login?next=${encodeURIComponent(next)}`);
    const authorize = login.headers.get('location') ?? '';
    const provider = await fetch(authorize, { redirect: 'manual' });
    return {
      login,
      authorize: new URL(authorize),
      callback: provider.headers.get('location') ?? '',
      cookies: cookiesSet(login),
    };
  }

  /** A whole sign-in: the callback's answer and the session cookie it set, if any. */
  async function signIn(user: Record<string, unknown>, next = '/', tamper?: Tamper) {
    const started = await startSignIn(user, next);
    if (tamper) cognito.tamperNext(tamper);
    const callback = await request(started.callback, started.cookies);
    return { ...started, response: callback, session: cookiesSet(callback).intake_session };
  }

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
    cognito = await startFakeCognito();
    app = createHttpApp(stack.ctx, {
      secret: TEST_SECRET,
      accounts: [],
      oidc: { domain: cognito.url, clientId: cognito.clientId, issuer: cognito.url },
    });
  }, 120_000);
  afterAll(async () => {
    await cognito?.close();
    await stack?.dispose();
  });

  it('redirects to the hosted UI with S256 PKCE, state and nonce kept in a short-lived signed cookie', async () => {
    // Act
    const { login, authorize, cookies } = await startSignIn(STAFF, '/unmatched');

    // Assess
    expect(login.status).toBe(302);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${cognito.url}/oauth2/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: cognito.clientId,
      redirect_uri: `${ORIGIN}/auth/callback`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[\w-]{43}$/),
      nonce: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    });
    const line = login.headers.getSetCookie().find((l) => l.startsWith(`${OAUTH_COOKIE}=`)) ?? '';
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/Path=\/auth\//);
    expect(line).toMatch(/SameSite=Lax/i);
    // The verifier never leaves the app in the clear: only its hash goes to the provider.
    expect(cookies[OAUTH_COOKIE]).toBeTruthy();
  });

  it('signs staff in: the callback sets the session and returns to next, where every page opens', async () => {
    // Act
    const { response, session } = await signIn(STAFF, '/unmatched');
    const unmatched = await request('/unmatched', { intake_session: session ?? '' });
    const taiyuan = await request('/cities/taiyuan', { intake_session: session ?? '' });
    const me = await request('/api/me', { intake_session: session ?? '' });

    // Assess
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/unmatched');
    expect(session).toBeTruthy();
    expect(unmatched.status).toBe(200);
    expect(await unmatched.text()).toContain(STAFF.email);
    expect(taiyuan.status).toBe(200);
    expect(await me.json()).toMatchObject({ name: STAFF.email, role: 'staff', city: null, via: 'cognito' });
  });

  it('signs a bureau in to its own city only', async () => {
    // Act
    const { response, session } = await signIn(CHANGZHI);
    const cookies = { intake_session: session ?? '' };
    const own = await request('/bases/p11', cookies);
    const other = await request('/bases/p02', cookies);
    const otherCity = await request('/cities/taiyuan', cookies);
    const staffPage = await request('/unmatched', cookies);

    // Assess
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/cities/changzhi');
    expect(own.status).toBe(200);
    expect([other.status, otherCity.status, staffPage.status]).toEqual([403, 403, 403]);
  });

  it.each<[string, Tamper]>([
    ['a bad signature', { foreignKey: true }],
    ['another audience', { claims: { aud: 'some-other-client' } }],
    [
      'an expired token',
      { claims: { exp: Math.floor(Date.now() / 1000) - 60, iat: Math.floor(Date.now() / 1000) - 3660 } },
    ],
    ['an access token instead of an ID token', { claims: { token_use: 'access' } }],
    ['another issuer', { claims: { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other' } }],
    ['a nonce of another sign-in', { claims: { nonce: 'replayed' } }],
  ])('refuses %s: no session', async (_, tamper) => {
    // Act
    const { response, session } = await signIn(STAFF, '/', tamper);

    // Assess
    expect(response.status).toBe(401);
    expect(session).toBeUndefined();
    expect(await response.text()).toContain('登录未完成');
  });

  it('refuses a state that does not match the sign-in cookie, a missing cookie and a replayed callback', async () => {
    // Prepare
    const first = await startSignIn(STAFF);
    const second = await startSignIn(STAFF);
    const tokensBefore = cognito.hits.token;

    // Act
    const crossed = await request(second.callback, first.cookies);
    const noCookie = await request(second.callback);
    const good = await request(first.callback, first.cookies);
    const replayed = await request(first.callback, first.cookies);

    // Assess
    expect(crossed.status).toBe(401);
    expect(cookiesSet(crossed).intake_session).toBeUndefined();
    expect(noCookie.status).toBe(401);
    expect(cookiesSet(noCookie).intake_session).toBeUndefined();
    // Refused before the code is spent: neither crossed nor cookie-less callbacks reach the token endpoint.
    expect(cognito.hits.token).toBe(tokensBefore + 2);
    expect(good.status).toBe(303);
    expect(good.headers.getSetCookie().some((l) => l.startsWith(`${OAUTH_COOKIE}=;`))).toBe(true);
    expect(replayed.status).toBe(401);
    expect(cookiesSet(replayed).intake_session).toBeUndefined();
  });

  it('refuses a Cognito account with no role here (403) and fetches the pool keys once', async () => {
    // Act
    const { response, session } = await signIn({ email: 'nobody@example.cn', 'cognito:groups': [] });
    const bureauWithoutCity = await signIn({ email: 'b@example.cn', 'cognito:groups': ['bureau'] });

    // Assess
    expect(response.status).toBe(403);
    expect(session).toBeUndefined();
    expect(bureauWithoutCity.response.status).toBe(403);
    expect(bureauWithoutCity.session).toBeUndefined();
    expect(cognito.hits.jwks).toBe(1);
  });

  it('offers the hosted sign-in on /login and signs out of both the app and the hosted UI', async () => {
    // Prepare
    const { session } = await signIn(STAFF);
    const cookies = { intake_session: session ?? '' };
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await request('/', cookies)).text())?.[1] ?? '';

    // Act
    const loginPage = await (await request('/login?next=%2Faudit')).text();
    const logout = await request('/logout', cookies, { method: 'POST', body: new URLSearchParams({ csrf }) });
    const location = new URL(logout.headers.get('location') ?? '', ORIGIN);

    // Assess
    expect(loginPage).toContain('action="/auth/login"');
    expect(loginPage).toContain('value="/audit"');
    expect(loginPage).not.toContain('name="password"');
    expect(logout.status).toBe(303);
    expect(`${location.origin}${location.pathname}`).toBe(`${cognito.url}/logout`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      client_id: cognito.clientId,
      logout_uri: `${ORIGIN}/login`,
    });
    expect(logout.headers.getSetCookie().some((l) => /^intake_session=;/.test(l))).toBe(true);
  });

  it('leaves /auth/* unrouted and /login a password form where the hosted UI is not configured', async () => {
    // Prepare
    const local = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: [], oidc: null });

    // Act
    const login = await local.request('/auth/login?next=%2F');
    const page = await (await local.request('/login')).text();

    // Assess
    expect(login.status).toBe(404);
    expect(page).toContain('name="password"');
    expect(page).not.toContain('/auth/login');
  });
});
