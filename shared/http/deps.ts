/**
 * What the HTTP routes share: the use cases' context, the token signer, the local accounts and two clocks.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { LocalAccount } from '../access/accounts.ts';
import type { SessionBook } from '../access/sessions.ts';
import type { TokenSigner } from '../access/signing.ts';
import type { AppContext } from '../use-cases/context.ts';
import { type HttpEnv, SESSION_COOKIE } from './auth.ts';
import type { SignInGuard } from './sign-in.ts';

/** The routes' dependencies. */
export interface HttpDeps {
  ctx: AppContext;
  signer: TokenSigner;
  accounts: readonly LocalAccount[];
  /**
   * Wall time for tokens and cookies. Not `ctx.clock`: tests and `--as-of` move that one, and a cookie that expires
   * at a moving time would be dropped by the browser.
   */
  wallClock: () => Date;
  /** How long a download link lasts. */
  fileLinkSeconds: number;
  /** Default lifetime of a per-city link. */
  cityLinkHours: number;
  /**
   * How `/files/{token}` hands over the bytes: `stream` through the app (local), or `redirect` to a short-lived
   * presigned URL of the store (AWS, where a Lambda response cannot exceed ~6 MB).
   */
  fileDownloads: FileDownloads;
  /** Cognito hosted-UI sign-in of the pages; null where it is not configured (local). */
  oidc: OidcConfig | null;
  /** The sessions' records (started, read on each request, ended at sign-out). */
  sessions: SessionBook;
  /** Failed password sign-ins by account and address, and their lock-outs. */
  signInGuard: SignInGuard;
}

/** How downloads are handed over (see HttpDeps.fileDownloads). */
export type FileDownloads = 'stream' | 'redirect';

/** A local path to go back to (never another site). */
export function safeNext(next: string | undefined | null, fallback = '/'): string {
  return next && /^\/(?!\/)[^\\\s]*$/.test(next) ? next : fallback;
}

/** The CSRF token of the request's session: a MAC of the session cookie, so a cross-site form cannot know it. */
export function csrfToken(c: Context<HttpEnv>, deps: HttpDeps): string {
  const session = getCookie(c, SESSION_COOKIE);
  return session ? deps.signer.digest('csrf', session) : '';
}

/** The moment a page or query is about: `?asOf=` (ISO 8601) or the round clock's now; null when unreadable. */
export function asOfOf(c: Context<HttpEnv>, deps: HttpDeps): Date | null {
  const given = c.req.query('asOf');
  if (!given) return deps.ctx.clock.now();
  const date = new Date(given);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Cognito hosted-UI sign-in of the pages (shared/http/oidc.ts), kept here so that deps and oidc import one way. */
export interface OidcConfig {
  /** Base URL of the hosted UI: `https://<prefix>.auth.<region>.amazoncognito.com` or the pool's custom domain. */
  domain: string;
  /** The app client (public, no secret) with the authorization-code grant and this app's callback URL. */
  clientId: string;
  /** Issuer of the ID tokens, `https://cognito-idp.<region>.<suffix>/<pool id>`; its keys are at /.well-known/jwks.json. */
  issuer: string;
}
