/**
 * The open upload form's limits: a base that has its own upload link (../access/upload-links.ts)
 * uploads under the portal's full limits; without a link, anyone can open a session, so the open form is a fallback
 * with tight limits per session, a throttle per address (../http/upload-throttle.ts) and a cap on what all of them
 * together may reserve in one day (Beijing day, the round's time zone).
 *
 * The daily cap is kept in the blob store, so that it holds across processes (every Lambda instance, or several
 * `intake start`s on one data dir): each admitted session writes an empty object whose key names its bytes,
 * `uploads/quota/<day>/<ms>-<id>-<bytes>`; the day's total is the sum over a listing (no object is read). The
 * record store (dynalite locally) has no conditional counter the API may use without a new record type and table
 * rights, and a per-day JSON would lose concurrent updates (read, add, write), whereas an object per reservation
 * cannot be lost. A reservation is written first and checked after: the day's reservations are taken in key order
 * (wall time first) and admitted while they fit, so processes that race for the last room see the same order and one
 * of them gets it; only a reservation whose key sorts before one already admitted but is listed after it (written
 * late in the same instant) can pass the cap, by at most one open-form session each. A listing is made before
 * writing too, so that once the day is full a refused request leaves nothing behind. The objects lie under uploads/, which the bucket's
 * lifecycle rule expires with the portal's files.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { IntakeError } from '../domain/errors.ts';
import { localDay } from '../domain/notice-schedule.ts';
import type { AppContext } from './context.ts';
import type { UploadPortalLimits } from './upload-sessions.ts';

const MB = 1024 * 1024;

/** Limits of uploads made without a base's link; each is configurable (see `openFormLimitsFromEnv`). */
export interface OpenFormLimits {
  /** Most files in one session without a link (UPLOAD_OPEN_MAX_FILES). */
  maxFiles: number;
  /** Largest session in total without a link (bytes; UPLOAD_OPEN_MAX_TOTAL_BYTES); also caps a single file. */
  maxTotalBytes: number;
  /** Sessions one address may open without a link per hour (UPLOAD_OPEN_SESSIONS_PER_HOUR). */
  sessionsPerAddressPerHour: number;
  /** Bytes all sessions without a link may reserve in one (Beijing) day (UPLOAD_OPEN_DAILY_BYTES). */
  dailyBytes: number;
  /** Sessions without a link admitted in one day (UPLOAD_OPEN_DAILY_SESSIONS); bounds the day's listing too. */
  dailySessions: number;
  /** Sessions one base's link may open per hour (UPLOAD_LINK_SESSIONS_PER_HOUR): a leaked link is not a free pass. */
  linkSessionsPerHour: number;
}

/** 5 files and 100 MB a session, 10 sessions an hour per address, 2 GB and 500 sessions a day; 30/h per link. */
export const DEFAULT_OPEN_FORM_LIMITS: OpenFormLimits = {
  maxFiles: 5,
  maxTotalBytes: 100 * MB,
  sessionsPerAddressPerHour: 10,
  dailyBytes: 2 * 1024 * MB,
  dailySessions: 500,
  linkSessionsPerHour: 30,
};

const positiveInt = z.coerce.number().int().positive();
const envSchema = z.object({
  UPLOAD_OPEN_MAX_FILES: positiveInt.optional(),
  UPLOAD_OPEN_MAX_TOTAL_BYTES: positiveInt.optional(),
  UPLOAD_OPEN_SESSIONS_PER_HOUR: positiveInt.optional(),
  UPLOAD_OPEN_DAILY_BYTES: positiveInt.optional(),
  UPLOAD_OPEN_DAILY_SESSIONS: positiveInt.optional(),
  UPLOAD_LINK_SESSIONS_PER_HOUR: positiveInt.optional(),
});

/** Reads the open form's limits from the environment; unset ones keep their defaults. */
export function openFormLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): OpenFormLimits {
  const parsed = envSchema.parse(env);
  const d = DEFAULT_OPEN_FORM_LIMITS;
  return {
    maxFiles: parsed.UPLOAD_OPEN_MAX_FILES ?? d.maxFiles,
    maxTotalBytes: parsed.UPLOAD_OPEN_MAX_TOTAL_BYTES ?? d.maxTotalBytes,
    sessionsPerAddressPerHour: parsed.UPLOAD_OPEN_SESSIONS_PER_HOUR ?? d.sessionsPerAddressPerHour,
    dailyBytes: parsed.UPLOAD_OPEN_DAILY_BYTES ?? d.dailyBytes,
    dailySessions: parsed.UPLOAD_OPEN_DAILY_SESSIONS ?? d.dailySessions,
    linkSessionsPerHour: parsed.UPLOAD_LINK_SESSIONS_PER_HOUR ?? d.linkSessionsPerHour,
  };
}

/** The portal limits a session without a link is held to: the tighter of the portal's and the open form's. */
export function openFormPortalLimits(portal: UploadPortalLimits, open: OpenFormLimits): UploadPortalLimits {
  const maxTotalBytes = Math.min(portal.maxTotalBytes, open.maxTotalBytes);
  return {
    ...portal,
    maxFiles: Math.min(portal.maxFiles, open.maxFiles),
    maxFileBytes: Math.min(portal.maxFileBytes, maxTotalBytes),
    maxTotalBytes,
  };
}

/** Where the day's reservations are kept (inside uploads/, expired with the portal's files). */
export const OPEN_FORM_QUOTA_PREFIX = 'uploads/quota/';

/** The day's cap of uploads without a link is reached. */
export class OpenFormQuotaError extends IntakeError {
  constructor(
    readonly day: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      'upload.quota-reached',
      'input',
      '今日通过公开上传页面（未使用基地专用上传链接）接收的材料已达上限。请联系所在地市商务局索取本基地的专用上传链接后上传，或通过邮件报送，或明日再试。',
    );
    this.name = 'OpenFormQuotaError';
  }
}

/** What the day's reservations add up to. */
export interface OpenFormUsage {
  day: string;
  bytes: number;
  sessions: number;
}

interface Reservation {
  key: string;
  bytes: number;
}

function parseReservation(key: string): Reservation | null {
  const match = /-(\d+)$/.exec(key);
  return match ? { key, bytes: Number(match[1]) } : null;
}

/** Takes the day's reservations in key order and keeps those that fit under the caps. */
function admitted(reservations: readonly Reservation[], limits: OpenFormLimits): Set<string> {
  const kept = new Set<string>();
  let bytes = 0;
  for (const r of reservations) {
    if (kept.size >= limits.dailySessions) break;
    if (bytes + r.bytes > limits.dailyBytes) continue;
    bytes += r.bytes;
    kept.add(r.key);
  }
  return kept;
}

async function dayReservations(ctx: AppContext, day: string): Promise<Reservation[]> {
  const keys = await ctx.blobs.list(`${OPEN_FORM_QUOTA_PREFIX}${day}/`);
  return keys
    .sort()
    .map(parseReservation)
    .filter((r): r is Reservation => r !== null);
}

/** Seconds until the next Beijing day, when the cap starts again. */
function secondsToNextDay(now: Date, timeZone: string): number {
  const today = localDay(now, timeZone);
  let probe = now.getTime();
  // Whole hours ahead, then back by minutes: the zone's midnight without a time-zone library.
  while (localDay(new Date(probe), timeZone) === today) probe += 3_600_000;
  while (localDay(new Date(probe - 60_000), timeZone) !== today) probe -= 60_000;
  return Math.max(60, Math.ceil((probe - now.getTime()) / 1000));
}

/** The day's admitted reservations without a link (for a check or a report). */
export async function openFormUsage(ctx: AppContext, limits: OpenFormLimits): Promise<OpenFormUsage> {
  const day = localDay(ctx.clock.now(), ctx.round.timeZone);
  const reservations = await dayReservations(ctx, day);
  const kept = admitted(reservations, limits);
  const bytes = reservations.filter((r) => kept.has(r.key)).reduce((sum, r) => sum + r.bytes, 0);
  return { day, bytes, sessions: kept.size };
}

/**
 * Reserves `bytes` of the day's allowance for uploads without a link, or throws OpenFormQuotaError. `label` names
 * the reservation (a session id); it is kept in the key, for whoever looks.
 */
export async function reserveOpenFormBytes(
  ctx: AppContext,
  label: string,
  bytes: number,
  limits: OpenFormLimits,
): Promise<void> {
  const now = ctx.clock.now();
  const day = localDay(now, ctx.round.timeZone);
  const refuse = () => new OpenFormQuotaError(day, secondsToNextDay(now, ctx.round.timeZone));
  const before = await openFormUsage(ctx, limits);
  if (before.sessions >= limits.dailySessions || before.bytes + bytes > limits.dailyBytes) throw refuse();
  // Wall time in the key orders the reservations; the random part keeps two in one millisecond apart.
  const stamp = String(Date.now()).padStart(15, '0');
  const safeLabel = label.replace(/[^\w.-]/g, '').slice(0, 40);
  const key = `${OPEN_FORM_QUOTA_PREFIX}${day}/${stamp}-${randomBytes(4).toString('hex')}-${safeLabel}-${bytes}`;
  await ctx.blobs.put(key, Buffer.alloc(0), { contentType: 'application/octet-stream' });
  const kept = admitted(await dayReservations(ctx, day), limits);
  if (!kept.has(key)) throw refuse();
}
