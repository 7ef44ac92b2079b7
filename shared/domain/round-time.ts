/**
 * Time rules of a round: the deadline is a calendar day in the round's time zone, inclusive. Everything is
 * computed through Intl with the zone name from the round, so a round in another zone (or a zone that changes
 * its offset) needs data, not code.
 */
import type { Round } from './catalogue.ts';

/** The part of a round the time rules need. */
export type RoundClock = Pick<Round, 'deadline' | 'timeZone'>;

const MS_PER_DAY = 86_400_000;

/** Wall-clock fields of an instant in a zone. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-US with h23 gives plain ASCII digits and 0-23 hours whatever the host locale is.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone (ASCII digits, 0–23 hours, whatever the host locale). */
export function wallTime(d: Date, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(d)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds (e.g. +8 h for Asia/Shanghai). */
function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const w = wallTime(new Date(instantMs), timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The instant at which a wall-clock midnight occurs in a zone. */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const asUtc = Date.UTC(year, month - 1, day);
  // Two passes settle the offset when the first guess lands on the other side of a DST change.
  let instant = asUtc - zoneOffsetMs(asUtc, timeZone);
  instant = asUtc - zoneOffsetMs(instant, timeZone);
  return new Date(instant);
}

function parseIsoDate(iso: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`Not an ISO date (YYYY-MM-DD): ${iso}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** First instant after the inclusive deadline day, e.g. 2023-11-11T00:00:00+08:00 for deadline 2023-11-10. */
export function deadlineInstant(round: RoundClock): Date {
  const { year, month, day } = parseIsoDate(round.deadline);
  return zonedMidnight(year, month, day + 1, round.timeZone);
}

/** True when something received at `receivedAt` missed the deadline. */
export function isLate(receivedAt: Date, round: RoundClock): boolean {
  return receivedAt.getTime() >= deadlineInstant(round).getTime();
}

/** Formats an instant as `YYYY-MM-DD HH:mm:ss` wall time in a zone (Beijing time by default). */
export function formatBeijing(d: Date, timeZone = 'Asia/Shanghai'): string {
  const w = wallTime(d, timeZone);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p2(w.month)}-${p2(w.day)} ${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}`;
}

/** Calendar days from `now` to the deadline day in the round's zone: 0 on the day, negative after it. */
export function daysUntilDeadline(now: Date, round: RoundClock): number {
  const today = wallTime(now, round.timeZone);
  const { year, month, day } = parseIsoDate(round.deadline);
  return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(today.year, today.month - 1, today.day)) / MS_PER_DAY);
}
