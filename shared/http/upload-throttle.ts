/**
 * Throttles of the upload portal's public routes, with rate-limiter-flexible like the sign-in guard
 * (./sign-in.ts): sessions opened without a base's link are counted per client address (10 an hour by
 * default), sessions opened with a link per base (30 an hour), so that a script cannot reserve storage faster than a
 * base uploads. A refused request is answered 429 with Retry-After and a Chinese message.
 *
 * Store: memory, i.e. per process, like the sign-in guard. That holds the local stack completely; in AWS each Lambda
 * instance counts on its own, so the per-address figure is per instance there. What holds across instances is the
 * daily cap on bytes without a link (../use-cases/upload-quota.ts, kept in the bucket) and, in front of the API, the
 * stage's throttle (and the WAF rate-based rule the README recommends).
 */
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { OpenFormLimits } from '../use-cases/upload-quota.ts';

const HOUR_SECONDS = 3600;

/** Whether a session may be opened now, and if not for how long to wait. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; message: string };

/** Counts sessions per address (open form) and per base (links). */
export class UploadThrottle {
  private readonly byAddress: RateLimiterAbstract;
  private readonly byLink: RateLimiterAbstract;

  constructor(limits: Pick<OpenFormLimits, 'sessionsPerAddressPerHour' | 'linkSessionsPerHour'>) {
    this.byAddress = new RateLimiterMemory({
      keyPrefix: 'upload-open',
      points: limits.sessionsPerAddressPerHour,
      duration: HOUR_SECONDS,
    });
    this.byLink = new RateLimiterMemory({
      keyPrefix: 'upload-link',
      points: limits.linkSessionsPerHour,
      duration: HOUR_SECONDS,
    });
  }

  /** Counts a session opened without a link from this address. */
  openForm(address: string): Promise<ThrottleVerdict> {
    return this.take(
      this.byAddress,
      address,
      (minutes) => `提交过于频繁，请 ${minutes} 分钟后再试；基地可向所在地市商务局索取本基地的专用上传链接。`,
    );
  }

  /** Counts a session opened with a base's link. */
  link(baseId: string): Promise<ThrottleVerdict> {
    return this.take(this.byLink, baseId, (minutes) => `本基地的上传链接使用过于频繁，请 ${minutes} 分钟后再试。`);
  }

  private async take(
    limiter: RateLimiterAbstract,
    key: string,
    message: (minutes: number) => string,
  ): Promise<ThrottleVerdict> {
    try {
      await limiter.consume(key, 1);
      return { allowed: true };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      return { allowed: false, retryAfterSeconds, message: message(Math.ceil(retryAfterSeconds / 60)) };
    }
  }
}
