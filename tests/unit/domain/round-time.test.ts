import { describe, expect, it } from 'vitest';
import {
  daysUntilDeadline,
  deadlineInstant,
  formatBeijing,
  isLate,
  type RoundClock,
} from '../../../shared/domain/round-time.ts';

const round2023: RoundClock = { deadline: '2023-11-10', timeZone: 'Asia/Shanghai' };

describe('deadlineInstant', () => {
  it('is midnight after the inclusive deadline day, Beijing time', () => {
    // Act
    const instant = deadlineInstant(round2023);

    // Assess
    expect(instant.toISOString()).toBe('2023-11-10T16:00:00.000Z');
  });

  it('follows the zone of the round, daylight saving included', () => {
    // Prepare
    const newYorkSummer: RoundClock = { deadline: '2023-07-31', timeZone: 'America/New_York' };
    const newYorkWinter: RoundClock = { deadline: '2023-11-10', timeZone: 'America/New_York' };
    const berlinSpringForward: RoundClock = { deadline: '2024-03-30', timeZone: 'Europe/Berlin' };

    // Act / Assess
    expect(deadlineInstant(newYorkSummer).toISOString()).toBe('2023-08-01T04:00:00.000Z');
    expect(deadlineInstant(newYorkWinter).toISOString()).toBe('2023-11-11T05:00:00.000Z');
    expect(deadlineInstant(berlinSpringForward).toISOString()).toBe('2024-03-30T23:00:00.000Z');
  });

  it('rolls over month and year ends', () => {
    // Act / Assess
    expect(deadlineInstant({ deadline: '2023-12-31', timeZone: 'Asia/Shanghai' }).toISOString()).toBe(
      '2023-12-31T16:00:00.000Z',
    );
    expect(deadlineInstant({ deadline: '2024-02-29', timeZone: 'UTC' }).toISOString()).toBe('2024-03-01T00:00:00.000Z');
  });
});

describe('isLate', () => {
  it.each([
    ['2023-11-10T15:59:59Z', false],
    ['2023-11-10T15:59:59.999Z', false],
    ['2023-11-10T16:00:00Z', true],
    ['2023-11-09T23:00:00Z', false],
    ['2023-11-11T08:00:00+08:00', true],
  ])('decides that %s is late: %s', (received, late) => {
    // Act
    const result = isLate(new Date(received), round2023);

    // Assess
    expect(result).toBe(late);
  });
});

describe('formatBeijing', () => {
  it('writes the wall time of the zone', () => {
    // Act / Assess
    expect(formatBeijing(new Date('2023-11-10T15:59:59Z'), 'Asia/Shanghai')).toBe('2023-11-10 23:59:59');
    expect(formatBeijing(new Date('2023-11-10T16:00:00Z'), 'Asia/Shanghai')).toBe('2023-11-11 00:00:00');
    expect(formatBeijing(new Date('2023-01-01T00:05:09Z'))).toBe('2023-01-01 08:05:09');
    expect(formatBeijing(new Date('2023-11-10T15:59:59Z'), 'UTC')).toBe('2023-11-10 15:59:59');
  });
});

describe('daysUntilDeadline', () => {
  it.each([
    ['2023-11-03T00:00:00+08:00', 7],
    ['2023-11-07T23:59:59+08:00', 3],
    ['2023-11-10T00:00:00+08:00', 0],
    ['2023-11-10T23:59:59+08:00', 0],
    // 20:00 UTC on the 9th is already the 10th in Beijing.
    ['2023-11-09T20:00:00Z', 0],
    ['2023-11-11T00:00:00+08:00', -1],
    ['2023-12-01T12:00:00+08:00', -21],
  ])('counts calendar days from %s: %i', (now, days) => {
    // Act
    const result = daysUntilDeadline(new Date(now), round2023);

    // Assess
    expect(result).toBe(days);
  });
});
