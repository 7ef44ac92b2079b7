/**
 * Staff sign-in to the pages through the Cognito hosted UI: OAuth 2.0 authorization code with PKCE (S256), ending
 * in the app's own signed session cookie, so pages behave as after a local sign-in.
 *
 * - `GET /auth/login?next=` keeps state, nonce, PKCE verifier and `next` in a short-lived signed cookie (purpose
 *   `oauth`, HttpOnly, path /auth/) and redirects to the hosted UI's authorize endpoint.
 * - `GET /auth/callback` checks the state against that cookie (which it always clears), exchanges the code at the
 *   token endpoint, verifies the ID token (RS256 against the pool's JWKS; iss, aud = client id, exp, token_use=id,
 *   nonce), maps its claims with the gateway's mapping (principalFromClaims) and starts the session.
 *
 * Any failure answers a page without a session; the reason goes to the log, never the token.
 */
import { createHash, createPublicKey, type KeyObject, randomBytes, timingSafeEqual, verify } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { type HttpEnv, type Principal, principalFromClaims, startSession } from './auth.ts';
import { type HttpDeps, safeNext } from './deps.ts';
import { page } from './html.ts';

/** Where the hosted UI and the ID tokens' keys are, and which app client signs in. */
export interface OidcConfig {
  /** Base URL of the hosted UI: `https://<prefix>.auth.<region>.amazoncognito.com` or the pool's custom domain. */
  domain: string;
  /** The app client (public, no secret) with the authorization-code grant and this app's callback URL. */
  clientId: string;
  /** Issuer of the ID tokens, `https://cognito-idp.<region>.<suffix>/<pool id>`; its keys are at /.well-known/jwks.json. */
  issuer: string;
}

/** The hosted-UI settings are incomplete or malformed; names the variables. */
export class OidcConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcConfigError';
  }
}

/**
 * Reads `COGNITO_DOMAIN`, `COGNITO_CLIENT_ID` and `COGNITO_ISSUER` (or `COGNITO_USER_POOL_ID` with `AWS_REGION`).
 * None set: null (no hosted-UI sign-in, as locally). Some set: an error, since a half-configured sign-in would fail
 * only when staff try it.
 */
export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const domain = env.COGNITO_DOMAIN?.trim();
  const clientId = env.COGNITO_CLIENT_ID?.trim();
  const poolId = env.COGNITO_USER_POOL_ID?.trim();
  const region = env.AWS_REGION?.trim() || poolId?.split('_')[0];
  const issuer =
    env.COGNITO_ISSUER?.trim() ||
    (poolId && region
      ? `https://cognito-idp.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/${poolId}`
      : undefined);
  if (!domain && !clientId && !issuer) return null;
  const missing = [
    ...(domain ? [] : ['COGNITO_DOMAIN']),
    ...(clientId ? [] : ['COGNITO_CLIENT_ID']),
    ...(issuer ? [] : ['COGNITO_ISSUER (or COGNITO_USER_POOL_ID)']),
  ];
  if (missing.length > 0 || !domain || !clientId || !issuer) {
    throw new OidcConfigError(`Cognito sign-in is partly configured: set ${missing.join(', ')}`);
  }
  const base = /^https?:\/\//.test(domain) ? domain : `https://${domain}`;
  for (const [name, value] of [
    ['COGNITO_DOMAIN', base],
    ['COGNITO_ISSUER', issuer],
  ] as const) {
    if (!URL.canParse(value)) throw new OidcConfigError(`${name} is not a URL: ${value}`);
  }
  return { domain: base.replace(/\/+$/, ''), clientId, issuer: issuer.replace(/\/+$/, '') };
}

/** Name of the cookie that carries state, nonce and PKCE verifier from /auth/login to /auth/callback. */
export const OAUTH_COOKIE = 'intake_oauth';
/** How long a started sign-in may take at the hosted UI (MFA included). */
export const OAUTH_MINUTES = 10;
/** The scopes asked for: the ID token then carries email, groups and custom:city. */
export const OAUTH_SCOPES = 'openid email profile';

/** The hosted UI's sign-out, which returns to the app's sign-in page (a registered sign-out URL). */
export function cognitoLogoutUrl(config: OidcConfig, requestUrl: string): string {
  const url = new URL('/logout', config.domain);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('logout_uri', new URL('/login', requestUrl).toString());
  return url.toString();
}

/** A JSON Web Key of the pool, as /.well-known/jwks.json lists it. */
interface Jwk {
  kid?: string;
  kty?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
}

/** The pool's signing keys by key id, fetched once and again only when an unknown key id shows up. */
export class JwksCache {
  private keys = new Map<string, KeyObject>();
  private lastFetch = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly now: () => number = Date.now,
    /** Fewest milliseconds between two fetches: a token with a made-up key id must not make each request fetch. */
    private readonly minRefreshMs = 60_000,
  ) {}

  /** The RSA key with this id, or null when the pool has none. */
  async key(kid: string): Promise<KeyObject | null> {
    const known = this.keys.get(kid);
    if (known) return known;
    if (this.now() - this.lastFetch < this.minRefreshMs) return null;
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    await this.inFlight;
    return this.keys.get(kid) ?? null;
  }

  private async refresh(): Promise<void> {
    this.lastFetch = this.now();
    const response = await fetch(this.url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`JWKS ${this.url}: HTTP ${response.status}`);
    const body = (await response.json()) as { keys?: Jwk[] };
    const keys = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) {
      if (!jwk.kid || jwk.kty !== 'RSA' || (jwk.use && jwk.use !== 'sig') || (jwk.alg && jwk.alg !== 'RS256')) continue;
      keys.set(jwk.kid, createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }));
    }
    this.keys = keys;
  }
}

/** What an ID token must be: from this issuer, for this client, unexpired, an ID token, for this sign-in. */
export interface IdTokenExpectation {
  issuer: string;
  clientId: string;
  nonce: string;
  now: Date;
}

/** The ID token's claims, or why it was refused. */
export type IdTokenResult = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

// Clock skew allowed between Cognito and this function for iat (exp is checked strictly).
const SKEW_SECONDS = 300;

/** Verifies an ID token's RS256 signature against the pool's keys and its claims against the expectation. */
export async function verifyIdToken(
  token: string,
  jwks: JwksCache,
  expected: IdTokenExpectation,
): Promise<IdTokenResult> {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWS compact token' };
  const [head, body, signature] = parts as [string, string, string];
  const header = decodeJson(head);
  const claims = decodeJson(body);
  if (!header || !claims) return { ok: false, reason: 'unreadable header or claims' };
  // Only RS256: an "alg": "none" or HS256 token must never be checked with anything else.
  if (header.alg !== 'RS256' || typeof header.kid !== 'string') return { ok: false, reason: 'not RS256 with a kid' };
  const key = await jwks.key(header.kid);
  if (!key) return { ok: false, reason: `unknown key id ${header.kid}` };
  if (!verify('RSA-SHA256', Buffer.from(`${head}.${body}`), key, Buffer.from(signature, 'base64url'))) {
    return { ok: false, reason: 'bad signature' };
  }
  const nowSeconds = expected.now.getTime() / 1000;
  if (claims.iss !== expected.issuer) return { ok: false, reason: `issuer ${String(claims.iss)}` };
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expected.clientId)) return { ok: false, reason: 'audience is not this client' };
  if (claims.token_use !== 'id') return { ok: false, reason: 'not an ID token' };
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  if (typeof claims.iat === 'number' && claims.iat > nowSeconds + SKEW_SECONDS) {
    return { ok: false, reason: 'issued in the future' };
  }
  if (typeof claims.nonce !== 'string' || !sameText(claims.nonce, expected.nonce)) {
    return { ok: false, reason: 'nonce does not match this sign-in' };
  }
  return { ok: true, claims };
}

/** Registers /auth/login and /auth/callback; only where the hosted UI is configured. */
export function registerOidc(app: Hono<HttpEnv>, deps: HttpDeps, config: OidcConfig): void {
  const jwks = new JwksCache(`${config.issuer}/.well-known/jwks.json`);
  const round = deps.ctx.round;

  const refused = (c: Context<HttpEnv>, reason: string, next = '/') => {
    console.warn(`Cognito sign-in refused: ${reason}`);
    return c.html(
      page(
        { round, title: '登录失败', principal: null },
        html`<h1>登录未完成</h1><p>统一身份认证未能完成登录，请重试；如多次失败，请联系省商务厅电商处。</p>
<p><a href="/auth/login?next=${encodeURIComponent(next)}">重新登录</a></p>`,
      ),
      401,
    );
  };

  app.get('/auth/login', (c) => {
    const next = safeNext(c.req.query('next'));
    const state = randomText();
    const nonce = randomText();
    const verifier = randomText();
    const expiresAt = new Date(deps.wallClock().getTime() + OAUTH_MINUTES * 60_000);
    setCookie(c, OAUTH_COOKIE, deps.signer.sign('oauth', { state, nonce, verifier, next }, expiresAt), {
      httpOnly: true,
      // Lax: the hosted UI's redirect back is a top-level GET from another site, which Strict would strip.
      sameSite: 'Lax',
      secure: isHttps(c),
      path: '/auth/',
      expires: expiresAt,
    });
    const authorize = new URL('/oauth2/authorize', config.domain);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: callbackUrl(c),
      scope: OAUTH_SCOPES,
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    return c.redirect(authorize.toString(), 302);
  });

  app.get('/auth/callback', async (c) => {
    const stored = deps.signer.verify('oauth', getCookie(c, OAUTH_COOKIE), deps.wallClock());
    // One use only: whatever happens next, this sign-in attempt is over.
    deleteCookie(c, OAUTH_COOKIE, { path: '/auth/' });
    const next = typeof stored?.next === 'string' ? safeNext(stored.next) : '/';
    const { code, state, error } = c.req.query();
    if (error) return refused(c, `the hosted UI answered ${error}`, next);
    if (
      !stored ||
      typeof stored.state !== 'string' ||
      typeof stored.nonce !== 'string' ||
      typeof stored.verifier !== 'string'
    ) {
      return refused(c, 'no sign-in in progress (state cookie missing, expired or forged)', next);
    }
    if (!state || !sameText(state, stored.state)) return refused(c, 'state does not match', next);
    if (!code) return refused(c, 'no authorization code', next);

    let idToken: unknown;
    try {
      const response = await fetch(new URL('/oauth2/token', config.domain), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: config.clientId,
          code,
          redirect_uri: callbackUrl(c),
          code_verifier: stored.verifier,
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) return refused(c, `token endpoint answered HTTP ${response.status}`, next);
      idToken = ((await response.json()) as { id_token?: unknown }).id_token;
    } catch (cause) {
      return refused(c, `token endpoint unreachable: ${(cause as Error).message}`, next);
    }
    if (typeof idToken !== 'string') return refused(c, 'no ID token in the token response', next);
    let result: IdTokenResult;
    try {
      result = await verifyIdToken(idToken, jwks, {
        issuer: config.issuer,
        clientId: config.clientId,
        nonce: stored.nonce,
        now: deps.wallClock(),
      });
    } catch (cause) {
      return refused(c, `ID token not verifiable: ${(cause as Error).message}`, next);
    }
    if (!result.ok) return refused(c, `ID token: ${result.reason}`, next);
    const mapped = principalFromClaims(result.claims);
    if (!mapped) {
      return c.html(
        page(
          { round, title: '无权访问', principal: null },
          html`<h1>无权访问</h1><p>该账号未分配角色（staff 或 bureau 及所属地市），请联系省商务厅电商处。</p>`,
        ),
        403,
      );
    }
    const principal: Principal = { ...mapped, via: 'cognito' };
    startSession(c, deps.signer, principal, deps.wallClock());
    return c.redirect(principal.role === 'bureau' && next === '/' ? `/cities/${principal.city}` : next, 303);
  });
}

/** This app's callback, from the request's own origin (the API's URL or its custom domain, as registered). */
function callbackUrl(c: Context<HttpEnv>): string {
  return new URL('/auth/callback', c.req.url).toString();
}

function isHttps(c: Context<HttpEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

function randomText(): string {
  return randomBytes(32).toString('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
