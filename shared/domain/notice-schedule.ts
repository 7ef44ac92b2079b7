/**
 * When a city digest is due: a pure function of the round's schedule, the moment, and each city's history.
 *
 * - Scheduled reminders go on the round's days (7 and 3 days before the deadline and the deadline day by default;
 *   then the day after the deadline and every N days) and only to cities with gaps. Each slot goes once per city; a
 *   slot missed (no run that day, or a failed send) stays due until the next slot replaces it.
 * - A change digest goes when the facts of a city differ from the last digest it was sent, at most
 *   `changeDigestsPerDay` per city and calendar day. A city never sent anything gets its first change digest only
 *   once one of its bases has sent something (the schedule covers cities where nothing happened).
 * A scheduled slot wins over a change on the same run: it carries the current facts anyway.
 * - Nothing goes out by itself from the round's `reviewStartsOn` on (expert review has begun).
 */
import { type NoticeSchedule, noticeScheduleSchema, type Round } from './catalogue.ts';
import type { NoticeClaimState, NoticeTrigger } from './notice-claims.ts';
import { daysUntilDeadline, formatBeijing } from './round-time.ts';

/** The schedule of a round with every default filled in (reminder days from `reminderDaysBefore` when unset). */
export function noticeScheduleOf(round: Pick<Round, 'noticeSchedule' | 'reminderDaysBefore'>): NoticeSchedule {
  return round.noticeSchedule ?? noticeScheduleSchema.parse({ daysBefore: round.reminderDaysBefore });
}

/** A scheduled reminder: the day it belongs to and its name (`before-7`, `deadline`, `after-4`). */
export interface ScheduleSlot {
  /** `<day>:<name>`, e.g. `2023-11-03:before-7`. */
  id: string;
  day: string;
  name: string;
  /** Days until the deadline on the slot's day: 7, 3, 0, -1, -4 ... */
  daysUntilDeadline: number;
}

/** A digest as the history knows it. */
export interface PastNotice {
  key: string;
  trigger: NoticeTrigger;
  slot: string | null;
  contentSha256: string;
  /** As-of time of the facts it carried (ISO). */
  asOf: string;
  state: NoticeClaimState;
}

/** Where a city stands now and what it was sent before. */
export interface CityNoticeHistory {
  city: string;
  /** Hash of the digest's facts now. */
  contentSha256: string;
  /** True when a base of the city is not complete. */
  hasGaps: boolean;
  /** True when any base of the city has sent something. */
  received: boolean;
  notices: PastNotice[];
}

/** A digest that should go now. */
export interface DueNotice {
  city: string;
  trigger: 'schedule' | 'change';
  slot: ScheduleSlot | null;
  /** The claim key: the same due notice on a later run has the same key, so it is sent once. */
  key: string;
}

const DELIVERED: readonly NoticeClaimState[] = ['sent', 'sending'];
const HANDLED: readonly NoticeClaimState[] = ['sent', 'sending', 'superseded'];

/** The local calendar day (YYYY-MM-DD) of an instant in the round's zone. */
export function localDay(at: Date, timeZone: string): string {
  return formatBeijing(at, timeZone).slice(0, 10);
}

/** The latest schedule slot whose day has come at `asOf` and that no later slot has replaced, or null. */
export function currentSlot(round: Round, asOf: Date, schedule = noticeScheduleOf(round)): ScheduleSlot | null {
  const days = daysUntilDeadline(asOf, round);
  let slotDays: number | null = null;
  if (days >= 0) {
    const before = schedule.daysBefore.filter((d) => d >= days);
    if (before.length > 0) slotDays = Math.min(...before);
  } else if (schedule.everyDaysAfter > 0) {
    const after = -days;
    if (schedule.afterDeadlineForDays === undefined || after <= schedule.afterDeadlineForDays) {
      slotDays = -(1 + Math.floor((after - 1) / schedule.everyDaysAfter) * schedule.everyDaysAfter);
    }
  }
  if (slotDays === null) return null;
  const day = shiftIsoDate(round.deadline, -slotDays);
  const name = slotDays > 0 ? `before-${slotDays}` : slotDays === 0 ? 'deadline' : `after-${-slotDays}`;
  return { id: `${day}:${name}`, day, name, daysUntilDeadline: slotDays };
}

/** The digests due at `asOf`, at most one per city (see the module comment for the rules). */
export function dueNotices(round: Round, asOf: Date, history: CityNoticeHistory[]): DueNotice[] {
  const schedule = noticeScheduleOf(round);
  const slot = currentSlot(round, asOf, schedule);
  const today = localDay(asOf, round.timeZone);
  // Once the experts have the materials, reminders are pointless: none goes out by itself.
  if (round.reviewStartsOn !== undefined && today >= round.reviewStartsOn) return [];
  const due: DueNotice[] = [];
  for (const city of history) {
    const digests = city.notices.filter((n) => n.trigger !== 'ack');
    if (slot && city.hasGaps && !digests.some((n) => n.slot === slot.id && HANDLED.includes(n.state))) {
      due.push({ city: city.city, trigger: 'schedule', slot, key: `digest:${city.city}:${slot.id}` });
      continue;
    }
    if (schedule.changeDigestsPerDay === 0) continue;
    const delivered = digests
      .filter((n) => DELIVERED.includes(n.state))
      .sort((a, b) => b.asOf.localeCompare(a.asOf) || b.key.localeCompare(a.key));
    const last = delivered[0];
    const changed = last ? last.contentSha256 !== city.contentSha256 : city.received;
    const changesToday = delivered.filter(
      (n) => n.trigger === 'change' && localDay(new Date(n.asOf), round.timeZone) === today,
    ).length;
    if (changed && changesToday < schedule.changeDigestsPerDay) {
      due.push({
        city: city.city,
        trigger: 'change',
        slot: null,
        key: `digest:${city.city}:${today}:change:${city.contentSha256.slice(0, 16)}`,
      });
    }
  }
  return due;
}

/** Minutes to wait before attempt `attempts + 1` after `attempts` failed ones; null when no attempt is left. */
export function retryDelayMinutes(schedule: NoticeSchedule, attempts: number): number | null {
  if (attempts >= schedule.retry.maxAttempts) return null;
  return Math.round(schedule.retry.firstDelayMinutes * schedule.retry.factor ** Math.max(0, attempts - 1));
}

function shiftIsoDate(iso: string, days: number): string {
  const [year, month, day] = iso.split('-').map(Number);
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, (day ?? 1) + days)).toISOString().slice(0, 10);
}
