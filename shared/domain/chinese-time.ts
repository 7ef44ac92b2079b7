/**
 * Dates and times as a 公文 writes them: 「2023年11月10日」, 「12月7日11时29分」, 「11月11日0时0分5秒」. One format for
 * every page, notice, receipt and workbook, so a bureau never reads an ISO stamp in a sentence. The year is written
 * when it is not the round's own year (the year of the deadline), and always on a sign-off date.
 */
import { deadlineInstant, type RoundClock, wallTime } from './round-time.ts';

/** Within this distance of the deadline a time is written to the second (23时59分30秒 is on time, 0时0分5秒 is not). */
const NEAR_DEADLINE_MS = 24 * 3600 * 1000;

/** `2023-11-10` as 「2023年11月10日」 (anything else is returned as it is). */
export function chineseDate(iso: string): string {
  return iso.replace(
    /^(\d{4})-(\d{2})-(\d{2})$/,
    (_, y: string, m: string, d: string) => `${y}年${Number(m)}月${Number(d)}日`,
  );
}

/** `2022-09` as 「2022年9月」 (anything else is returned as it is). */
export function chineseMonth(yearMonth: string): string {
  return yearMonth.replace(/^(\d{4})-(\d{2})$/, (_, y: string, m: string) => `${y}年${Number(m)}月`);
}

/** A period of months (`2022-09`..`2023-08`, the round's evaluation period) as 「2022年9月—2023年8月」. */
export function chinesePeriod(period: { from: string; to: string }): string {
  return `${chineseMonth(period.from)}—${chineseMonth(period.to)}`;
}

/** How a time is written. */
export interface ChineseTimeOptions {
  /** Write the seconds (times near the deadline: 23时59分30秒 is on time, 0时0分5秒 is not). */
  seconds?: boolean;
  /** Always write the year (default: only when it is not the round's year). */
  year?: boolean;
}

/**
 * An instant as Beijing (the round's zone) wall time in words: 「12月7日11时29分」, 「11月9日10时」 on the hour,
 * 「11月11日0时0分5秒」 with seconds, 「2024年1月3日9时15分」 outside the round's year.
 */
export function chineseTime(instant: Date | string, round: RoundClock, options: ChineseTimeOptions = {}): string {
  const w = wallTime(typeof instant === 'string' ? new Date(instant) : instant, round.timeZone);
  const roundYear = Number(round.deadline.slice(0, 4));
  const year = options.year || w.year !== roundYear ? `${w.year}年` : '';
  const clock = options.seconds
    ? `${w.hour}时${w.minute}分${w.second}秒`
    : w.minute === 0
      ? `${w.hour}时`
      : `${w.hour}时${w.minute}分`;
  return `${year}${w.month}月${w.day}日${clock}`;
}

/** The calendar day of an instant in the round's zone, with its year: 「2023年12月7日」 (a sign-off's date). */
export function chineseDay(instant: Date | string, round: RoundClock): string {
  const w = wallTime(typeof instant === 'string' ? new Date(instant) : instant, round.timeZone);
  return `${w.year}年${w.month}月${w.day}日`;
}

/** The deadline as the notice's readers expect it: 「2023年11月10日24时（北京时间）」. */
export function deadlineWords(round: RoundClock): string {
  return `${chineseDate(round.deadline)}24时（北京时间）`;
}

/** An instant in words, to the second within a day of the deadline, else to the minute: the one format of every page and notice. */
export function chineseWhen(instant: Date | string, round: RoundClock): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  const near = Math.abs(at.getTime() - deadlineInstant(round).getTime()) < NEAR_DEADLINE_MS;
  return chineseTime(at, round, { seconds: near });
}
