/**
 * Security of the staff and public HTTP surfaces (issue 15, items 9–12): sign-in throttling and the password
 * policy, sessions that end on the server, request bodies capped before they are buffered, the Cognito ID token
 * checked by a maintained library, and client mistakes answered with a 4xx instead of a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountSpecError, parseAccounts } from '../../shared/access/accounts.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { type FakeCognito, startFakeCognito } from './fake-cognito.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from './http-seed.ts';

type App = ReturnType<typeof createHttpApp>;

/** The Lambda event of a request from an address (API Gateway's sourceIp), without an authorizer. */
function from(address: string) {
  return { event: { requestContext: { http: { sourceIp: address } } } };
}

const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';

describe('HTTP security (issue 15)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const wallNow = new Date();
  const newApp = (options: Parameters<typeof createHttpApp>[1] = {}): App =>
    createHttpApp(stack.ctx, {
      secret: TEST_SECRET,
      accounts: TEST_ACCOUNTS,
      wallClock: () => wallNow,
      oidc: null,
      ...options,
    });
  const login = (app: App, name: string, password: string, address = '198.51.100.1') =>
    app.request('/login', { method: 'POST', body: new URLSearchParams({ name, password, next: '/' }) }, from(address));
  const me = (app: App, cookie: string) => app.request('/api/me', { headers: { cookie } });

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedIntake(stack.ctx);
  }, 120_000);
  afterAll(async () => {
    await stack?.dispose();
  });

  describe('sign-in (item 9)', () => {
    it('locks an account out after repeated wrong passwords, even when the right one follows', async () => {
      // Prepare
      const app = newApp();

      // Act: wrong passwords from many addresses (so the address limit is not what stops them)
      const wrong = [];
      for (let i = 0; i < 12; i += 1) wrong.push((await login(app, 'admin', `wrong-${i}`, `203.0.113.${i}`)).status);
      const right = await login(app, 'admin', PASSWORDS.admin, '203.0.113.200');
      const other = await login(app, 'cz', PASSWORDS.cz, '203.0.113.201');

      // Assess
      expect(wrong.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(wrong.at(-1)).toBe(429);
      expect(right.status).toBe(429);
      expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(right.headers.get('set-cookie')).toBeNull();
      expect(await right.text()).toContain('登录尝试过多');
      // Another account is not affected.
      expect(other.status).toBe(303);
    });

    it('gives parallel guesses no more than the allowance', async () => {
      // Prepare
      const app = newApp();

      // Act
      const statuses = await Promise.all(
        Array.from(
          { length: 16 },
          async (_, i) => (await login(app, 'cz', `wrong-${i}`, `203.0.113.${50 + i}`)).status,
        ),
      );

      // Assess
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 429)).toHaveLength(11);
    });

    it('slows an address that guesses across many accounts', async () => {
      // Prepare
      const app = newApp();

      // Act
      const statuses = [];
      for (let i = 0; i < 40; i += 1) statuses.push((await login(app, `user${i}`, 'guess', '192.0.2.7')).status);
      const elsewhere = await login(app, 'admin', PASSWORDS.admin, '192.0.2.8');
      const sameAddress = await login(app, 'admin', PASSWORDS.admin, '192.0.2.7');

      // Assess
      expect(statuses[0]).toBe(401);
      expect(statuses.at(-1)).toBe(429);
      expect(elsewhere.status).toBe(303);
      expect(sameAddress.status).toBe(429);
    });

    it('refuses weak passwords for local accounts, in Chinese, naming the account', () => {
      // Act / Assess
      for (const weak of ['pw1', 'password', 'aaaaaaaaaaaa', '123456789012', 'short-1']) {
        expect(() => parseAccounts(`wang:${weak}:staff`)).toThrow(AccountSpecError);
        expect(() => parseAccounts(`wang:${weak}:staff`)).toThrow(/wang.*密码/);
      }
      expect(parseAccounts('wang:Taiyuan-2023:staff')).toHaveLength(1);
    });
  });

  describe('sessions (item 10)', () => {
    it('ends a session on the server at sign-out: the old cookie no longer works', async () => {
      // Prepare
      const app = newApp();
      const cookie = cookieOf(await login(app, 'cz', PASSWORDS.cz, '198.51.100.20'));
      const csrf = /name="csrf" value="([^"]+)"/.exec(
        await (await app.request('/cities/changzhi', { headers: { cookie } })).text(),
      )?.[1];
      const before = await me(app, cookie);

      // Act
      const logout = await app.request('/logout', {
        method: 'POST',
        headers: { cookie },
        body: new URLSearchParams({ csrf: csrf ?? '' }),
      });
      const after = await me(app, cookie);

      // Assess
      expect(before.status).toBe(200);
      expect(logout.status).toBe(303);
      expect(after.status).toBe(401);
    });

    it('keeps sessions in the record store (another instance accepts them) and ends those of removed accounts', async () => {
      // Prepare
      const first = newApp();
      const admin = cookieOf(await login(first, 'admin', PASSWORDS.admin, '198.51.100.21'));
      const cz = cookieOf(await login(first, 'cz', PASSWORDS.cz, '198.51.100.21'));
      const changedPassword = parseAccounts(`admin:${PASSWORDS.admin}:staff,cz:another-Password-2:bureau:changzhi`);

      // Act
      const sameAccounts = newApp();
      const czRemoved = newApp({ accounts: TEST_ACCOUNTS.filter((a) => a.name !== 'cz') });
      const passwordChanged = newApp({ accounts: changedPassword });

      // Assess
      expect((await me(sameAccounts, admin)).status).toBe(200);
      expect((await me(sameAccounts, cz)).status).toBe(200);
      expect((await me(czRemoved, cz)).status).toBe(401);
      expect((await me(czRemoved, admin)).status).toBe(200);
      expect((await me(passwordChanged, cz)).status).toBe(401);
    });
  });

  describe('request bodies (item 11)', () => {
    /** A body of `total` bytes made on demand, counting what the server pulled. */
    function lazyBody(total: number) {
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      const counter = { pulled: 0 };
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (counter.pulled >= total) return controller.close();
          counter.pulled += chunk.length;
          controller.enqueue(chunk);
        },
      });
      return { stream, counter };
    }

    it('refuses a huge sign-in form before buffering it (streamed, no length given)', async () => {
      // Prepare
      const app = newApp();
      const { stream, counter } = lazyBody(50 * 1024 * 1024);

      // Act
      const response = await app.request(
        '/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: stream,
          duplex: 'half',
        } as RequestInit,
        from('198.51.100.30'),
      );

      // Assess
      expect(response.status).toBe(413);
      expect(counter.pulled).toBeLessThan(1024 * 1024);
      expect(await response.text()).not.toMatch(/\bat\s/);
    });

    it('refuses a declared length over the route limit without reading (forms, JSON API, upload portal)', async () => {
      // Prepare
      const app = newApp();
      const declared = (path: string, type: string, bytes: number) =>
        app.request(path, {
          method: 'POST',
          headers: { 'content-type': type, 'content-length': String(bytes) },
          body: 'x',
        });

      // Act
      const form = await declared('/login', 'application/x-www-form-urlencoded', 200 * 1024 * 1024);
      const json = await declared('/api/uploads/sessions', 'application/json', 5 * 1024 * 1024);
      const portal = await declared('/api/uploads', 'multipart/form-data; boundary=x', 2 * 1024 * 1024 * 1024);
      const portalOk = await declared('/api/uploads', 'multipart/form-data; boundary=x', 10 * 1024 * 1024);

      // Assess
      expect([form.status, json.status, portal.status]).toEqual([413, 413, 413]);
      expect(await json.json()).toMatchObject({ error: expect.stringContaining('请求内容过大') });
      // A portal upload within the message limit is not refused for its size.
      expect(portalOk.status).not.toBe(413);
    });
  });

  describe('client mistakes are 4xx, never a 500 (item 12)', () => {
    it('answers 415 to a wrong content type and 400 to malformed JSON or multipart', async () => {
      // Prepare
      const app = newApp();
      const staff = cookieOf(await login(app, 'admin', PASSWORDS.admin, '198.51.100.40'));
      const post = (path: string, type: string | null, body: string, cookie = '') =>
        app.request(path, {
          method: 'POST',
          headers: { ...(type ? { 'content-type': type } : {}), ...(cookie ? { cookie } : {}) },
          body,
        });

      // Act
      const wrongType = await post('/api/uploads/sessions', 'text/plain', '{}');
      const noType = await post('/api/uploads/sessions', null, '{}');
      const badJson = await post('/api/uploads/sessions', 'application/json', '{"base":');
      const badMultipart = await post('/api/uploads', 'multipart/form-data; boundary=x', 'garbage');
      const staffBadJson = await post('/api/bases', 'application/json', '{"id":', staff);

      // Assess
      expect([wrongType.status, noType.status, badJson.status, badMultipart.status, staffBadJson.status]).toEqual([
        415, 415, 400, 400, 400,
      ]);
      for (const response of [wrongType, badJson, badMultipart]) {
        const body = (await response.json()) as { error: string };
        expect(body.error).toMatch(/[\u4e00-\u9fff]/);
        expect(JSON.stringify(body)).not.toMatch(/\bat\s|node:internal|\.ts:\d/);
      }
    });

    it('answers 400 to a staff form with an unreadable Referer, and changes nothing', async () => {
      // Prepare
      const app = newApp();
      const cookie = cookieOf(await login(app, 'admin', PASSWORDS.admin, '198.51.100.41'));
      const csrf = /name="csrf" value="([^"]+)"/.exec(
        await (await app.request('/', { headers: { cookie } })).text(),
      )?.[1];

      // Act
      const form = await app.request('/ui/assign', {
        method: 'POST',
        headers: { cookie, referer: 'not a url' },
        body: new URLSearchParams({ csrf: csrf ?? '' }),
      });
      const classify = await app.request('/ui/unclassified/classify', {
        method: 'POST',
        headers: { cookie, referer: 'http://[broken' },
        body: new URLSearchParams({ csrf: csrf ?? '' }),
      });

      // Assess
      expect([form.status, classify.status]).toEqual([400, 400]);
      expect(await form.json()).toEqual({ error: expect.stringContaining('Referer') });
    });
  });
});

describe('Cognito ID token checked by aws-jwt-verify (item 11b)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let cognito: FakeCognito;
  let app: App;
  let wallNow = new Date();
  const ORIGIN = 'http://intake.test';

  const cookies = (response: Response) =>
    Object.fromEntries(
      response.headers
        .getSetCookie()
        .map((line) => line.split(';')[0]!.split('=') as [string, string])
        .filter(([, value]) => value !== ''),
    );
  async function signIn(claims: Record<string, unknown>, tamper?: Record<string, unknown>) {
    cognito.signInAs({ email: 'li@swt.example.gov.cn', 'cognito:groups': ['staff'], ...claims });
    const start = await app.request(`${ORIGIN}/auth/login?next=%2F`);
    const provider = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
    if (tamper) cognito.tamperNext({ claims: tamper });
    const state = cookies(start);
    const callback = await app.request(provider.headers.get('location') ?? '', {
      headers: {
        cookie: Object.entries(state)
          .map(([k, v]) => `${k}=${v}`)
          .join('; '),
      },
    });
    return {
      response: callback,
      setCookie: callback.headers.getSetCookie().find((l) => l.startsWith('intake_session=')),
    };
  }

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    cognito = await startFakeCognito();
    app = createHttpApp(stack.ctx, {
      secret: TEST_SECRET,
      accounts: [],
      wallClock: () => wallNow,
      oidc: { domain: cognito.url, clientId: cognito.clientId, issuer: cognito.url },
    });
  }, 120_000);
  afterAll(async () => {
    await cognito?.close();
    await stack?.dispose();
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    // Act
    const { response, setCookie } = await signIn({}, { nbf: Math.floor(Date.now() / 1000) + 600 });

    // Assess
    expect(response.status).toBe(401);
    expect(setCookie).toBeUndefined();
  });

  it('ends the page session when the ID token expires, so a removed Cognito user loses access with it', async () => {
    // Prepare
    wallNow = new Date();
    const { response, setCookie } = await signIn({});
    const cookie = setCookie?.split(';')[0] ?? '';
    const expires = new Date(/Expires=([^;]+)/i.exec(setCookie ?? '')?.[1] ?? 0);

    // Act
    const now = await app.request(`${ORIGIN}/api/me`, { headers: { cookie } });
    wallNow = new Date(Date.now() + 2 * 3_600_000);
    const later = await app.request(`${ORIGIN}/api/me`, { headers: { cookie } });

    // Assess
    expect(response.status).toBe(303);
    expect(expires.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);
    expect(now.status).toBe(200);
    expect(later.status).toBe(401);
  });
});
