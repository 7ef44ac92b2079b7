/**
 * Staff sign-in to the pages through the Cognito hosted UI: OAuth 2.0 authorization code with PKCE (S256), ending
 * in the app's own signed session cookie, so pages behave as after a local sign-in.
 *
 * - `GET /auth/login?next=` keeps state, nonce, PKCE verifier and `next` in a short-lived signed cookie (purpose
 *   `oauth`, HttpOnly, path /auth/) and redirects to the hosted UI's authorize endpoint.
 * - `GET /auth/callback` checks the state against that cookie (which it always clears), exchanges the code at the
 *   token endpoint, verifies the ID token with aws-jwt-verify (RS256 against the pool's JWKS; iss, aud = client id,
 *   exp, nbf) plus token_use=id and the nonce, maps its claims with the gateway's mapping (principalFromClaims) and
 *   starts the session, which ends with the ID token.
 *
 * The redirect and code exchange themselves stay here (random state, nonce and verifier, the S256 challenge, one
 * form POST): they hold no key and check no signature, and Cognito's endpoints are fixed, so a client library
 * (openid-client) would add discovery and an HTTPS-only issuer without taking over anything security-critical
 * that the token verification does not already cover.
 *
 * Any failure answers a page without a session; the reason goes to the log, never the token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { IntakeError } from '../domain/errors.ts';
import { type HttpEnv, type Principal, principalFromClaims, SESSION_HOURS, startSession } from './auth.ts';
import { type HttpDeps, type OidcConfig, safeNext } from './deps.ts';
import { page } from './html.ts';

export type { OidcConfig } from './deps.ts';

/** Where the hosted UI and the ID tokens' keys are, and which app client signs in. */
/** The hosted-UI settings are incomplete or malformed; names the variables. */
export class OidcConfigError extends IntakeError {
  constructor(message: string) {
    super('oidc.invalid-config', 'input', message, `统一登录（Cognito）设置有误（${message}）`);
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

/** What an ID token must be, beyond what the verifier holds (issuer, client): for this sign-in. */
export interface IdTokenExpectation {
  nonce: string;
}

/** The ID token's claims, or why it was refused. */
export type IdTokenResult = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

// Clock skew allowed between Cognito and this function for iat (exp and nbf are checked by the library, strictly).
const SKEW_SECONDS = 300;

/**
 * The pool's ID-token verifier (aws-jwt-verify): RS256 signature against the pool's JWKS, fetched once and again
 * only for an unknown key id (with the library's penalty box against made-up ids), iss, aud = the client, exp and
 * nbf; our own checks on top are the ones only this flow knows (token_use = id, the sign-in's nonce, iat).
 *
 * The JWKS is fetched with the runtime's fetch rather than the library's node:https fetcher, so that the issuer may
 * also be a loopback http:// stand-in in tests (the library's fetcher speaks HTTPS only).
 */
export function idTokenVerifier(config: OidcConfig) {
  const fetcher = {
    async fetch(uri: string): Promise<ArrayBuffer> {
      const response = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`JWKS ${uri}: HTTP ${response.status}`);
      return response.arrayBuffer();
    },
  };
  return JwtVerifier.create(
    { issuer: config.issuer, audience: config.clientId, jwksUri: `${config.issuer}/.well-known/jwks.json` },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
}

/** Verifies an ID token with the pool's verifier and the checks of this sign-in (token_use, nonce, iat). */
export async function verifyIdToken(
  token: string,
  verifier: ReturnType<typeof idTokenVerifier>,
  expected: IdTokenExpectation,
): Promise<IdTokenResult> {
  try {
    const claims = await verifier.verify(token, {
      customJwtCheck: ({ header, payload }) => {
        // Cognito signs with RS256 only; the library would also take RS384/512 or EC keys the JWKS might list.
        if (header.alg !== 'RS256') throw new Error('not RS256');
        if (payload.token_use !== 'id') throw new Error('not an ID token');
        if (typeof payload.exp !== 'number') throw new Error('no expiry');
        if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + SKEW_SECONDS) {
          throw new Error('issued in the future');
        }
        if (typeof payload.nonce !== 'string' || !sameText(payload.nonce, expected.nonce)) {
          throw new Error('nonce does not match this sign-in');
        }
      },
    });
    return { ok: true, claims: claims as Record<string, unknown> };
  } catch (error) {
    return { ok: false, reason: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** Registers /auth/login and /auth/callback; only where the hosted UI is configured. */
export function registerOidc(app: Hono<HttpEnv>, deps: HttpDeps, config: OidcConfig): void {
  const verifier = idTokenVerifier(config);
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
    const result = await verifyIdToken(idToken, verifier, { nonce: stored.nonce });
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
    // The page session ends with the ID token (Cognito's setting, 1 h in the stack) or after SESSION_HOURS, if
    // sooner: an account removed or disabled in Cognito keeps no longer access than its last token.
    const now = deps.wallClock();
    const tokenEnd = typeof result.claims.exp === 'number' ? result.claims.exp * 1000 : now.getTime();
    await startSession(
      c,
      deps.sessions,
      principal,
      now,
      new Date(Math.min(tokenEnd, now.getTime() + SESSION_HOURS * 3_600_000)),
    );
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
