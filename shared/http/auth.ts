/**
 * Who is asking: one small middleware with two sources of identity.
 *
 * - In AWS, API Gateway's JWT authorizer (Cognito) has already checked the token; its claims arrive in the Lambda
 *   event (`requestContext.authorizer.jwt.claims`), which a client cannot forge: `cognito:groups` holds `staff` or
 *   `bureau`, `custom:city` the bureau's city.
 * - Otherwise (the local stack, or routes the gateway leaves open such as the pages), a session cookie signed by the
 *   app: set by the sign-in form (local accounts from `INTAKE_USERS`, passwords hashed with scrypt), by the Cognito
 *   hosted UI's sign-in (./oidc.ts, the same claims mapping as the gateway's) or by opening a per-city signed link.
 *   Each session also has a record in the record store, checked on every request (../access/sessions.ts): signing
 *   out, removing the account or changing its password ends it.
 *
 * Roles: staff see and do everything; a bureau sees its own city only and changes nothing.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Role } from '../access/accounts.ts';
import type { SessionBook } from '../access/sessions.ts';
import { type CityId, cityIdSchema } from '../domain/catalogue.ts';
import { IntakeError } from '../domain/errors.ts';

/** A signed-in user (or a bureau holding a city link). */
export interface Principal {
  /** Shown in the page header and written to the audit trail as the actor. */
  name: string;
  role: Role;
  /** The bureau's city; null for staff. */
  city: CityId | null;
  /** How the identity was established: `cognito` is a session started by the hosted UI (see ./oidc.ts). */
  via: 'password' | 'jwt' | 'city-link' | 'cognito';
}

/** Hono's environment of the app: the Lambda event when served by Lambda, and the principal once known. */
export type HttpEnv = {
  Bindings: {
    event?: {
      requestContext?: {
        authorizer?: { jwt?: { claims?: Record<string, unknown> } };
        /** The caller's address as API Gateway saw it. */
        http?: { sourceIp?: string };
      };
    };
    /** The Node request, when served by @hono/node-server (the local stack). */
    incoming?: { socket?: { remoteAddress?: string } };
  };
  Variables: { principal: Principal | null };
};

/** Name of the session cookie. */
export const SESSION_COOKIE = 'intake_session';
/** How long a sign-in lasts. */
export const SESSION_HOURS = 12;
/** The principal the gateway's JWT claims describe, or null when they grant no role here. */
export function principalFromClaims(claims: Record<string, unknown>): Principal | null {
  const groups = groupsOf(claims['cognito:groups']);
  const name = [claims.email, claims['cognito:username'], claims.username, claims.sub].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  if (!name) return null;
  if (groups.includes('staff')) return { name, role: 'staff', city: null, via: 'jwt' };
  const city = cityIdSchema.safeParse(claims['custom:city']);
  if (groups.includes('bureau') && city.success) return { name, role: 'bureau', city: city.data, via: 'jwt' };
  return null;
}

/** API Gateway (payload 2.0) flattens array claims to text such as `[staff bureau]`; accept that, a list or CSV. */
function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** Options of the authentication middleware. */
export interface AuthenticateOptions {
  sessions: SessionBook;
  now: () => Date;
}

/**
 * Sets `principal` from the gateway's JWT claims when the request came through the authorizer, else from the
 * session cookie, else null. It refuses only a gateway identity that has no role here; the routes decide the rest.
 */
export function authenticate(options: AuthenticateOptions): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const claims = c.env?.event?.requestContext?.authorizer?.jwt?.claims;
    if (claims) {
      const principal = principalFromClaims(claims);
      // Signed in with Cognito but in neither group (or a bureau without a city): known, and refused.
      if (!principal) throw new AccessError(403, '该账号未分配角色（staff 或 bureau 及所属地市）');
      c.set('principal', principal);
    } else {
      const token = getCookie(c, SESSION_COOKIE);
      c.set('principal', token ? await options.sessions.read(token, options.now()) : null);
    }
    await next();
  };
}

/** Starts a session for a principal: a record in the store and a signed cookie, HttpOnly, SameSite=Lax, Secure on HTTPS. */
export async function startSession(
  c: Context<HttpEnv>,
  sessions: SessionBook,
  principal: Principal,
  now: Date,
  expiresAt: Date = new Date(now.getTime() + SESSION_HOURS * 3_600_000),
): Promise<void> {
  if (principal.via === 'jwt') throw new Error('a gateway identity has no session');
  const token = await sessions.start({ ...principal, via: principal.via }, now, expiresAt);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    expires: expiresAt,
  });
}

/** Ends the session: its record is revoked (the cookie no longer works, wherever it was copied to) and cleared. */
export async function endSession(c: Context<HttpEnv>, sessions: SessionBook, now: Date): Promise<void> {
  await sessions.end(getCookie(c, SESSION_COOKIE), now);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/**
 * Refused: not signed in (401, `access.sign-in-required`) or not allowed (403, `access.forbidden`); the app maps it
 * to JSON or a page (error-status.ts gives the same status by its code).
 */
export class AccessError extends IntakeError {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(status === 401 ? 'access.sign-in-required' : 'access.forbidden', 'input', message);
    this.name = 'AccessError';
  }
}

/** The signed-in principal; 401 when there is none. */
export function requireUser(c: Context<HttpEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw new AccessError(401, '请先登录');
  return principal;
}

/** The signed-in staff member; 403 for a bureau. */
export function requireStaff(c: Context<HttpEnv>): Principal {
  const principal = requireUser(c);
  if (principal.role !== 'staff') throw new AccessError(403, '此操作仅限省厅工作人员');
  return principal;
}

/** True when the principal may see the city's data. */
export function canSeeCity(principal: Principal, city: string | null | undefined): boolean {
  return principal.role === 'staff' || (city !== null && city !== undefined && principal.city === city);
}

/** Refuses (403) a principal that may not see the city's data. */
export function assertCity(principal: Principal, city: string | null | undefined): void {
  if (!canSeeCity(principal, city)) throw new AccessError(403, '无权查看其他地市的数据');
}
