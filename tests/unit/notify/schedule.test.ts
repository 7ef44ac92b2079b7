import { describe, expect, it } from 'vitest';
import type { Round } from '../../../shared/domain/catalogue.ts';
import {
  type CityNoticeHistory,
  currentSlot,
  dueNotices,
  noticeScheduleOf,
  type PastNotice,
  retryDelayMinutes,
} from '../../../shared/domain/notice-schedule.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';

const round = loadRound('2023');
const { reviewStartsOn: _review, ...withoutReview } = round;

/** 09:00 Beijing on a November day of 2023 (the hour the notice schedule fires). */
function nineAm(day: number, hour = 9): Date {
  return new Date(`2023-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`);
}

/** A city whose facts on each day are given by `factsOn`; sends what is due and remembers it. */
function simulate(
  factsOn: (day: number) => { hash: string; hasGaps: boolean; received: boolean },
  options: { round?: Round; hours?: number[] } = {},
) {
  const r = options.round ?? round;
  const notices: PastNotice[] = [];
  const log: string[] = [];
  for (let day = 1; day <= 30; day++) {
    for (const hour of options.hours ?? [9]) {
      const asOf = nineAm(day, hour);
      const facts = factsOn(day);
      const history: CityNoticeHistory = {
        city: 'taiyuan',
        contentSha256: facts.hash,
        hasGaps: facts.hasGaps,
        received: facts.received,
        notices,
      };
      for (const due of dueNotices(r, asOf, [history])) {
        notices.push({
          key: due.key,
          trigger: due.trigger,
          slot: due.slot?.id ?? null,
          contentSha256: facts.hash,
          asOf: asOf.toISOString(),
          state: 'sent',
        });
        log.push(
          `11-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}h ${due.slot?.name ?? due.trigger}`,
        );
      }
    }
  }
  return log;
}

describe('the reminder schedule across November 2023', () => {
  it('reminds a city with gaps 7 and 3 days before, on the deadline day, the day after, then every 3 days', () => {
    // Act: a round whose expert review start is not set reminds as long as gaps remain
    const log = simulate(() => ({ hash: 'same', hasGaps: true, received: true }), { round: withoutReview });

    // Assess
    expect(log).toEqual([
      '11-01 09h change', // the first digest of a city whose bases have sent something
      '11-03 09h before-7',
      '11-07 09h before-3',
      '11-10 09h deadline',
      '11-11 09h after-1',
      '11-14 09h after-4',
      '11-17 09h after-7',
      '11-20 09h after-10',
      '11-23 09h after-13',
      '11-26 09h after-16',
      '11-29 09h after-19',
    ]);
  });

  it('stops reminding, and sends no change digest, once the expert review has started', () => {
    // Act: 2023's review starts on 11-15 (the notice: 11月中旬)
    let hash = 0;
    const log = simulate(() => ({ hash: String(hash++), hasGaps: true, received: true }));

    // Assess
    expect(round.reviewStartsOn).toBe('2023-11-15');
    expect(log.at(-1)).toBe('11-14 09h after-4');
    expect(log.filter((line) => line >= '11-15')).toEqual([]);
  });

  it('sends nothing to a city without gaps whose facts do not change', () => {
    // Act
    const log = simulate(() => ({ hash: 'all-complete', hasGaps: false, received: true }));

    // Assess
    expect(log).toEqual(['11-01 09h change']);
  });

  it('sends a city where nothing happened only the scheduled reminders', () => {
    // Act
    const log = simulate(() => ({ hash: 'nothing', hasGaps: true, received: false }));

    // Assess
    expect(log[0]).toBe('11-03 09h before-7');
    expect(log.filter((line) => line.endsWith('change'))).toEqual([]);
  });

  it('sends one change digest a day at most, and stops reminding once the city is complete', () => {
    // Prepare: hourly runs; the facts change every hour on 5 November, the city is complete from 12 November.
    const factsOn = (day: number) => ({
      hash: day === 5 ? `d5-${Math.random()}` : day >= 12 ? 'complete' : `day-${Math.min(day, 6)}`,
      hasGaps: day < 12,
      received: true,
    });

    // Act
    const log = simulate(factsOn, { hours: [9, 13, 17] });

    // Assess
    expect(log.filter((line) => line.startsWith('11-05'))).toEqual(['11-05 09h change']);
    expect(log.filter((line) => line.startsWith('11-06'))).toEqual(['11-06 09h change']);
    expect(log.filter((line) => line.startsWith('11-12'))).toEqual(['11-12 09h change']);
    expect(log.filter((line) => line > '11-12 09h change')).toEqual([]);
  });

  it('follows a schedule kept as round data', () => {
    // Prepare
    const custom: Round = {
      ...withoutReview,
      noticeSchedule: {
        ...noticeScheduleOf(round),
        daysBefore: [5],
        everyDaysAfter: 7,
        afterDeadlineForDays: 10,
        changeDigestsPerDay: 0,
      },
    };

    // Act
    const log = simulate(() => ({ hash: 'same', hasGaps: true, received: true }), { round: custom });

    // Assess
    expect(log).toEqual(['11-05 09h before-5', '11-11 09h after-1', '11-18 09h after-8']);
  });
});

describe('currentSlot', () => {
  it('keeps a missed slot due until the next one replaces it, never a reminder before the deadline after it', () => {
    // Act / Assess
    expect(currentSlot(round, nineAm(2))).toBeNull();
    expect(currentSlot(round, nineAm(5))?.id).toBe('2023-11-03:before-7');
    expect(currentSlot(round, nineAm(10, 0))?.id).toBe('2023-11-10:deadline');
    expect(currentSlot(round, nineAm(10, 23))?.id).toBe('2023-11-10:deadline');
    expect(currentSlot(round, nineAm(11, 0))?.id).toBe('2023-11-11:after-1');
    expect(currentSlot(round, nineAm(13))?.id).toBe('2023-11-11:after-1');
    expect(currentSlot(round, nineAm(14))).toMatchObject({ name: 'after-4', daysUntilDeadline: -4 });
  });

  it('sends a missed reminder late rather than not at all', () => {
    // Prepare: no run on 3 November
    const history: CityNoticeHistory = {
      city: 'taiyuan',
      contentSha256: 'h',
      hasGaps: true,
      received: false,
      notices: [],
    };

    // Act
    const due = dueNotices(round, nineAm(4), [history]);

    // Assess
    expect(due).toEqual([expect.objectContaining({ trigger: 'schedule', key: 'digest:taiyuan:2023-11-03:before-7' })]);
  });

  it('retries a slot whose digest failed, and not one whose outcome is unknown', () => {
    // Prepare
    const past = (state: PastNotice['state']): CityNoticeHistory => ({
      city: 'taiyuan',
      contentSha256: 'h',
      hasGaps: true,
      received: true,
      notices: [
        {
          key: 'digest:taiyuan:2023-11-03:before-7',
          trigger: 'schedule',
          slot: '2023-11-03:before-7',
          contentSha256: 'h',
          asOf: nineAm(3).toISOString(),
          state,
        },
      ],
    });

    // Act / Assess
    expect(dueNotices(round, nineAm(4), [past('failed')])[0]?.key).toBe('digest:taiyuan:2023-11-03:before-7');
    expect(dueNotices(round, nineAm(4), [past('sending')])).toEqual([]);
    expect(dueNotices(round, nineAm(4), [past('sent')])).toEqual([]);
  });
});

describe('retryDelayMinutes', () => {
  it('backs off 15, 45, 135, 405 minutes, then gives up after 5 attempts', () => {
    // Prepare
    const schedule = noticeScheduleOf(round);

    // Act / Assess
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMinutes(schedule, n))).toEqual([15, 45, 135, 405, null]);
  });
});
