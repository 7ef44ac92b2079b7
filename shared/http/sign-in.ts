/**
 * The password sign-in's guard against guessing: failed attempts are counted per account name (whatever address
 * they come from) and per client address (whatever names they try), with rate-limiter-flexible. Past the allowance
 * the account or address is locked for a while, each further lock-out of the day twice as long (back-off), and a
 * locked attempt is refused (429 with Retry-After) before its password is hashed at all. Attempts are counted before
 * the check, so parallel guesses get no more than the allowance; a right password clears the account's count and
 * takes its own attempt back from the address's.
 *
 * Store: memory, i.e. per process. That holds the local stack (one process) completely. In AWS the password form
 * serves only accounts set in INTAKE_USERS (staff sign in through the Cognito hosted UI, which has its own lock-out),
 * and each Lambda instance counts on its own; rate-limiter-flexible's DynamoDB store (RateLimiterDynamo) needs a
 * table of its own layout (partition key `key`, TTL on `expire`), which the stack does not create yet: pass such
 * limiters to SignInGuard to share the counts.
 */
import type { Context } from 'hono';
import { type RateLimiterAbstract, RateLimiterMemory } from 'rate-limiter-flexible';
import { checkPassword, type LocalAccount } from '../access/accounts.ts';
import { SlotsBusyError } from '../access/hash-slots.ts';
import type { HttpEnv } from './auth.ts';
import type { HttpDeps } from './deps.ts';

/** Allowances of failed sign-ins. */
export interface SignInLimits {
  /** Failed attempts per account name in `windowSeconds` before it is locked. */
  accountFailures: number;
  /** Failed attempts per client address in `windowSeconds` before it is locked. */
  addressFailures: number;
  windowSeconds: number;
  /** The first lock-out; each further one within a day lasts twice as long, up to a day. */
  lockSeconds: number;
}

/** 5 failures per account, 20 per address, in 15 minutes; locked 15 minutes, then 30, 60 ... up to a day. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  accountFailures: 5,
  addressFailures: 20,
  windowSeconds: 15 * 60,
  lockSeconds: 15 * 60,
};

const DAY_SECONDS = 24 * 3600;

/** The limiters the guard counts with; memory ones by default (see the module's note on AWS). */
export interface SignInLimiters {
  failures: RateLimiterAbstract;
  lockouts: RateLimiterAbstract;
}

/**
 * Whether an attempt may go on to the password check (with the counts it was given, for fail()), and if not for how
 * long it must wait.
 */
export type SignInVerdict =
  | { allowed: true; accountCount: number; addressCount: number }
  | { allowed: false; retryAfterSeconds: number };

/**
 * Counts sign-in attempts and refuses those of locked accounts and addresses. An attempt is counted before its
 * password is checked (one atomic increment per key), so that parallel attempts cannot all pass a check made before
 * any of them failed; a right password takes its counts back.
 */
export class SignInGuard {
  private readonly limiters: SignInLimiters;

  constructor(
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
    limiters?: SignInLimiters,
  ) {
    this.limiters = limiters ?? {
      // Points are attempts not (yet) known to be right; a key's count lasts the window, a lock-out is set by fail().
      failures: new RateLimiterMemory({ keyPrefix: 'sign-in-failures', points: 1e9, duration: limits.windowSeconds }),
      lockouts: new RateLimiterMemory({ keyPrefix: 'sign-in-lockouts', points: 1e9, duration: DAY_SECONDS }),
    };
  }

  /** Counts an attempt for this name from this address; refused when either is over its allowance. */
  async begin(name: string, address: string): Promise<SignInVerdict> {
    const [account, client] = await Promise.all([
      this.limiters.failures.penalty(accountKey(name), 1),
      this.limiters.failures.penalty(addressKey(address), 1),
    ]);
    const wait = Math.max(
      account.consumedPoints > this.limits.accountFailures ? account.msBeforeNext : 0,
      client.consumedPoints > this.limits.addressFailures ? client.msBeforeNext : 0,
    );
    if (wait > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    return { allowed: true, accountCount: account.consumedPoints, addressCount: client.consumedPoints };
  }

  /** The attempt failed: the attempt that used up an allowance locks its account or address. */
  async fail(name: string, address: string, verdict: SignInVerdict): Promise<void> {
    if (!verdict.allowed) return;
    await Promise.all([
      verdict.accountCount === this.limits.accountFailures ? this.lock(accountKey(name)) : undefined,
      verdict.addressCount === this.limits.addressFailures ? this.lock(addressKey(address)) : undefined,
    ]);
  }

  /** The password was right: the account's count starts again, and this attempt no longer counts for the address. */
  async succeed(name: string, address: string): Promise<void> {
    await Promise.all([
      this.limiters.failures.delete(accountKey(name)),
      this.limiters.failures.reward(addressKey(address), 1),
    ]);
  }

  /** Locks a key: its count held at the allowance for 15 min, 30, 60 ... (per lock-out of the day), a day at most. */
  private async lock(key: string): Promise<void> {
    const lockouts = await this.limiters.lockouts.penalty(key, 1);
    const seconds = Math.min(DAY_SECONDS, this.limits.lockSeconds * 2 ** Math.min(10, lockouts.consumedPoints - 1));
    const allowance = key.startsWith('account:') ? this.limits.accountFailures : this.limits.addressFailures;
    await this.limiters.failures.set(key, allowance, seconds);
  }
}

function accountKey(name: string): string {
  return `account:${name.normalize('NFC').trim().toLowerCase().slice(0, 200)}`;
}

function addressKey(address: string): string {
  return `address:${address}`;
}

/**
 * The client's address: API Gateway's sourceIp in Lambda (set by the gateway, not by a header the client sends),
 * the socket's peer on the local server; `unknown` otherwise (tests calling the app directly share one address).
 */
export function clientAddress(c: Context<HttpEnv>): string {
  return c.env?.event?.requestContext?.http?.sourceIp ?? c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** The outcome of a password sign-in: the account, or the status and Chinese message of the refusal. */
export type SignInAttempt =
  | { ok: true; account: LocalAccount }
  | { ok: false; status: 401 | 429 | 503; message: string; retryAfterSeconds?: number };

/** Checks a name and password under the guard: locked out (429), busy (503), wrong (401) or the account. */
export async function signIn(
  deps: Pick<HttpDeps, 'accounts' | 'signInGuard'>,
  c: Context<HttpEnv>,
  name: string,
  password: string,
): Promise<SignInAttempt> {
  const address = clientAddress(c);
  const verdict = await deps.signInGuard.begin(name, address);
  if (!verdict.allowed) {
    const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
    return {
      ok: false,
      status: 429,
      message: `登录尝试过多，请 ${minutes} 分钟后再试 (too many sign-in attempts)`,
      retryAfterSeconds: verdict.retryAfterSeconds,
    };
  }
  let account: LocalAccount | null;
  try {
    account = await checkPassword(deps.accounts, name, password);
  } catch (error) {
    if (!(error instanceof SlotsBusyError)) throw error;
    return { ok: false, status: 503, message: '登录繁忙，请稍后再试 (busy)', retryAfterSeconds: 5 };
  }
  if (!account) {
    await deps.signInGuard.fail(name, address, verdict);
    return { ok: false, status: 401, message: '用户名或密码不正确' };
  }
  await deps.signInGuard.succeed(name, address);
  return { ok: true, account };
}
