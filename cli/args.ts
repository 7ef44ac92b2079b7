/**
 * Argument parsers shared by the commands (commander's argParser): each refuses a bad value with an
 * InvalidArgumentError written `中文说明 (English)`, which cli/errors.ts prints as one line with exit code 2. Cities are
 * taken by id (taiyuan) or by name (太原, 太原市), resolved against the round's data when the command runs.
 */
import { InvalidArgumentError } from 'commander';
import type { CityId } from '../shared/domain/catalogue.ts';
import { CliInputError } from './errors.ts';

/** A moment: ISO 8601. */
export function toDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('不是ISO 8601时间，例如 2023-11-11T00:00:00+08:00 (not an ISO 8601 time)');
  return date;
}

/** A whole number. */
export function toInt(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError('应为整数 (not a whole number)');
  return n;
}

/** A count: a whole number ≥ 0. */
export function toCount(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('应为不小于0的整数 (not a whole number ≥ 0)');
  return n;
}

/** A day, YYYY-MM-DD, that exists in the calendar. */
export function toDay(value: string): string {
  const day = new Date(`${value}T00:00:00Z`);
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value);
  if (!valid) throw new InvalidArgumentError('日期格式应为YYYY-MM-DD (not a date, YYYY-MM-DD)');
  return value;
}

/** A TCP port. */
export function toPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('不是端口号，应为0–65535 (not a port number)');
  return port;
}

/** A comma-separated list. */
export function toList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The cities of a round as the resolver needs them. */
export interface CityNames {
  id: string;
  name: string;
  aliases: readonly string[];
}

/**
 * The city a reference names: its id (any case), its name (太原市) or one of its aliases (太原); the trailing 市 may be
 * left off or added. Throws CliInputError (exit code 2) naming the cities when none matches.
 */
export function resolveCityIn(cities: readonly CityNames[], ref: string): CityId {
  const wanted = ref.trim();
  const lower = wanted.toLowerCase();
  const bare = wanted.replace(/市$/, '');
  const found = cities.find(
    (c) =>
      c.id.toLowerCase() === lower ||
      [c.name, ...c.aliases].some((name) => name === wanted || name.replace(/市$/, '') === bare),
  );
  if (!found) {
    const examples = cities
      .slice(0, 3)
      .map((c) => `${c.name}/${c.id}`)
      .join('、');
    throw new CliInputError(
      `没有地市“${ref}”（可写地市名或编号，如 ${examples}）`,
      `unknown city "${ref}"; give a city id or name, e.g. taiyuan, 太原, 太原市`,
    );
  }
  return found.id as CityId;
}

/** The city a reference names in the round (default: the current one); see resolveCityIn. */
export async function resolveCity(ref: string, roundId?: string): Promise<CityId> {
  const { loadRound } = await import('../shared/domain/rounds/index.ts');
  return resolveCityIn(loadRound(roundId).cities, ref);
}

/** resolveCity for an optional option: undefined stays undefined. */
export async function resolveOptionalCity(ref: string | undefined): Promise<CityId | undefined> {
  return ref === undefined ? undefined : resolveCity(ref);
}

/** The base a `--base` argument names, by id (p11) or full name, or one Chinese line of bad input. */
export function baseNamed<B extends { id: string; name: string }>(registry: readonly B[], text: string): B {
  const wanted = text.trim();
  const base = registry.find((b) => b.id === wanted || b.name === wanted);
  if (!base) {
    throw new CliInputError(
      `没有编号或名称为“${text}”的基地`,
      `no base "${text}" (give its id, e.g. p11, or full name)`,
    );
  }
  return base;
}
