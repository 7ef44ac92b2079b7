/**
 * The rounds (campaigns) the system knows, as data. A round is a folder `rounds/<id>/` of JSON files: round.json
 * (dates, mailbox, control items), cities.json, bases.json (Annex 4), indicators.json (附件1), form.json (附件2),
 * and optionally vocabulary.json (the words bases use for their evidence), examples.json (evidence files whose
 * indicators people settled, for the classifier's tie-breaker) and scoring.json (the expert stage).
 * They are checked against the zod schemas and against each other when first loaded, so a slip in next year's
 * data fails loudly, naming the file and the place, instead of skewing an evaluation.
 *
 * Adding a round is adding its folder, nothing else: the folders are found at run time (`roundsDirectory`), beside
 * this module in the sources, in `rounds/` beside a Lambda bundle (copied there by infra/bundling.ts), or where
 * INTAKE_ROUNDS_DIR points. Reading JSON files shipped with the code is the one I/O of the domain; it replaces the
 * JSON imports that made every new round a code change.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { type Round, roundSchema } from '../catalogue.ts';
import { IntakeError } from '../errors.ts';
import { type ScoringScheme, scoringSchemeSchema } from '../scoring.ts';
import { evidenceExamplesSchema, vocabularySchema } from '../vocabulary.ts';

/** Environment variable naming the folder that holds the round folders (overrides the shipped ones). */
export const ROUNDS_DIR_VARIABLE = 'INTAKE_ROUNDS_DIR';

/** The raw contents of a round's JSON files, before validation. */
export interface RoundFiles {
  /** round.json: everything but the catalogue lists. */
  round: unknown;
  /** cities.json: the 12 city units. */
  cities: unknown;
  /** bases.json: the registry. */
  bases: unknown;
  /** indicators.json: the scoring standard. */
  indicators: unknown;
  /** form.json: `{ formHeader, formItems }` of the report form. */
  form: unknown;
  /** vocabulary.json: the words bases use for their evidence (optional). */
  vocabulary?: unknown;
  /** examples.json: evidence files whose indicators people settled (optional). */
  examples?: unknown;
}

/** Invalid round data; `file` and `path` say where (e.g. `rounds/2023/bases.json`, `[3].grade2021`). */
export class RoundDataError extends IntakeError {
  override readonly name = 'RoundDataError';
  constructor(
    readonly roundId: string,
    readonly file: string,
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'round.invalid-data',
      'failure',
      `Round ${roundId}: invalid data in ${file} at ${path}: ${detail}`,
      `评价轮次 ${roundId} 的数据有误：${file} 的 ${path}（${detail}）`,
      options,
    );
  }
}

const roundFileSchema = roundSchema
  .omit({
    cities: true,
    bases: true,
    indicators: true,
    formHeader: true,
    formItems: true,
    vocabulary: true,
    examples: true,
  })
  .strict();
const formFileSchema = roundSchema.pick({ formHeader: true, formItems: true }).strict();

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function parseFile<T extends z.ZodType>(roundId: string, file: string, schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more: ${rest.map((i) => formatPath(i.path)).join(', ')})` : '';
  throw new RoundDataError(roundId, file, formatPath(first?.path ?? []), `${first?.message ?? 'invalid'}${more}`, {
    cause: result.error,
  });
}

function firstDuplicate<T>(values: readonly T[]): { value: T; index: number } | undefined {
  const seen = new Set<T>();
  for (const [index, value] of values.entries()) {
    if (seen.has(value)) return { value, index };
    seen.add(value);
  }
  return undefined;
}

/** Cross-file rules the schemas cannot express; each failure names the file that is wrong. */
function checkConsistency(round: Round, dir: string): void {
  const fail = (file: string, path: string, detail: string): never => {
    throw new RoundDataError(round.id, `${dir}/${file}`, path, detail);
  };
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: round.timeZone });
  } catch (cause) {
    throw new RoundDataError(round.id, `${dir}/round.json`, 'timeZone', `unknown time zone ${round.timeZone}`, {
      cause,
    });
  }
  const uniqueness: [string, string, readonly unknown[]][] = [
    ['cities.json', 'id', round.cities.map((c) => c.id)],
    ['bases.json', 'id', round.bases.map((b) => b.id)],
    ['bases.json', 'name', round.bases.map((b) => b.name)],
    ['indicators.json', 'slug', round.indicators.map((i) => i.slug)],
    ['form.json', 'formItems.item', round.formItems.map((f) => f.item)],
  ];
  for (const [file, key, values] of uniqueness) {
    const dup = firstDuplicate(values);
    if (dup) fail(file, `[${dup.index}].${key.split('.').pop()}`, `duplicate ${key} ${String(dup.value)}`);
  }
  for (const [i, base] of round.bases.entries()) {
    if (base.category === 'cancelled' && base.participating) {
      fail('bases.json', `[${i}].participating`, `cancelled base ${base.id} cannot take part`);
    }
  }
  const items = new Map(round.formItems.map((f) => [f.item, f]));
  for (const [i, indicator] of round.indicators.entries()) {
    for (const [j, item] of indicator.formItems.entries()) {
      if (!items.has(item)) fail('indicators.json', `[${i}].formItems[${j}]`, `form item ${item} not in form.json`);
    }
  }
  const slugs = new Set(round.indicators.map((i) => i.slug));
  for (const [i, term] of (round.vocabulary?.terms ?? []).entries()) {
    if (!slugs.has(term.indicator))
      fail('vocabulary.json', `terms[${i}].indicator`, `unknown indicator ${term.indicator}`);
  }
  for (const [i, group] of (round.vocabulary?.shareable ?? []).entries()) {
    const unknown = group.find((slug) => !slugs.has(slug));
    if (unknown) fail('vocabulary.json', `shareable[${i}]`, `unknown indicator ${unknown}`);
  }
  for (const [i, pair] of (round.vocabulary?.refines ?? []).entries()) {
    const unknown = pair.find((slug) => !slugs.has(slug));
    if (unknown) fail('vocabulary.json', `refines[${i}]`, `unknown indicator ${unknown}`);
  }
  for (const [i, example] of (round.examples?.examples ?? []).entries()) {
    const unknown = example.indicators.find((slug) => !slugs.has(slug));
    if (unknown) fail('examples.json', `examples[${i}].indicators`, `unknown indicator ${unknown}`);
  }
  for (const [i, control] of round.controlItems.entries()) {
    const item = items.get(control.item);
    if (!item) fail('round.json', `controlItems[${i}].item`, `form item ${control.item} not in form.json`);
    else if (!item.fields.some((f) => f.key === control.field)) {
      fail('round.json', `controlItems[${i}].field`, `item ${control.item} has no field "${control.field}"`);
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Validates a round's files one by one, then as a whole; throws RoundDataError naming the file and path. */
export function parseRoundFiles(id: string, files: RoundFiles): Round {
  const dir = `rounds/${id}`;
  const head = parseFile(id, `${dir}/round.json`, roundFileSchema, files.round);
  if (head.id !== id) throw new RoundDataError(id, `${dir}/round.json`, 'id', `id "${head.id}" differs from folder`);
  const cities = parseFile(id, `${dir}/cities.json`, roundSchema.shape.cities, files.cities);
  const bases = parseFile(id, `${dir}/bases.json`, roundSchema.shape.bases, files.bases);
  const indicators = parseFile(id, `${dir}/indicators.json`, roundSchema.shape.indicators, files.indicators);
  const form = parseFile(id, `${dir}/form.json`, formFileSchema, files.form);
  const vocabulary =
    files.vocabulary === undefined
      ? undefined
      : parseFile(id, `${dir}/vocabulary.json`, vocabularySchema, files.vocabulary);
  const examples =
    files.examples === undefined
      ? undefined
      : parseFile(id, `${dir}/examples.json`, evidenceExamplesSchema, files.examples);
  const round = parseFile(id, dir, roundSchema, {
    ...head,
    cities,
    bases,
    indicators,
    ...form,
    vocabulary,
    examples,
  });
  checkConsistency(round, dir);
  return round;
}

/** Whether `dir` holds at least one round folder (a folder with a round.json). */
function holdsRounds(dir: string): boolean {
  try {
    return readdirSync(dir, { withFileTypes: true }).some(
      (entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'round.json')),
    );
  } catch {
    return false;
  }
}

/**
 * The folder holding the round folders: INTAKE_ROUNDS_DIR when set; else the nearest of this module's folder (the
 * sources), `rounds/` beside it or above it (a Lambda bundle's /var/task/rounds, the compiled CLI's dist/cli/rounds,
 * both copied at build time) and the sources' folder above it.
 */
export function roundsDirectory(): string {
  const configured = process.env[ROUNDS_DIR_VARIABLE];
  if (configured) return resolve(configured);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    for (const candidate of [dir, join(dir, 'rounds'), join(dir, 'shared', 'domain', 'rounds')]) {
      if (holdsRounds(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`No round folders found near ${fileURLToPath(import.meta.url)}; set ${ROUNDS_DIR_VARIABLE}`);
}

/** Ids of the rounds in `dir` (default: `roundsDirectory()`), oldest first. */
export function availableRounds(dir = roundsDirectory()): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'round.json')))
    .map((entry) => entry.name)
    .sort();
}

/** One JSON file of a round; undefined when an optional file is absent. A syntax error names the file. */
function readJson(dir: string, id: string, file: string, optional = false): unknown {
  const path = join(dir, id, file);
  if (optional && !existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new RoundDataError(id, `rounds/${id}/${file}`, '(file)', (cause as Error).message, { cause });
  }
}

/** The raw files of round `id` in `dir`. */
export function readRoundFiles(id: string, dir = roundsDirectory()): RoundFiles {
  const vocabulary = readJson(dir, id, 'vocabulary.json', true);
  const examples = readJson(dir, id, 'examples.json', true);
  return {
    round: readJson(dir, id, 'round.json'),
    cities: readJson(dir, id, 'cities.json'),
    bases: readJson(dir, id, 'bases.json'),
    indicators: readJson(dir, id, 'indicators.json'),
    form: readJson(dir, id, 'form.json'),
    ...(vocabulary === undefined ? {} : { vocabulary }),
    ...(examples === undefined ? {} : { examples }),
  };
}

const cache = new Map<string, Round>();

/**
 * Loads a round (the latest when no id is given) from its folder, validated and cached per folder and id. The
 * result is frozen because it is shared by every caller of the process; copy before changing anything.
 */
export function loadRound(id?: string, dir = roundsDirectory()): Round {
  const known = availableRounds(dir);
  const roundId = id ?? known.at(-1);
  if (roundId === undefined || !known.includes(roundId)) {
    throw new Error(`Unknown round "${id}"; available: ${known.join(', ') || 'none'} (in ${dir})`);
  }
  const key = `${dir}\u0000${roundId}`;
  let round = cache.get(key);
  if (!round) {
    round = deepFreeze(parseRoundFiles(roundId, readRoundFiles(roundId, dir)));
    cache.set(key, round);
  }
  return round;
}

const scoringCache = new Map<string, ScoringScheme>();

/**
 * Validates a round's scoring scheme (scoring.json) against its schema and the round's indicators: every group
 * names indicators, its points equal theirs, the bonus group exists, and one grade band starts at 0.
 */
export function parseScoringFile(round: Round, data: unknown): ScoringScheme {
  const file = `rounds/${round.id}/scoring.json`;
  const scheme = parseFile(round.id, file, scoringSchemeSchema, data);
  const fail = (path: string, detail: string): never => {
    throw new RoundDataError(round.id, file, path, detail);
  };
  for (const [i, group] of scheme.groups.entries()) {
    const sum = round.indicators.filter((x) => x.level1 === group.level1).reduce((s, x) => s + x.points, 0);
    if (sum === 0) fail(`groups[${i}].level1`, `no indicator of level1 "${group.level1}" in indicators.json`);
    if (Math.abs(sum - group.points) > 1e-9) fail(`groups[${i}].points`, `indicators.json sums to ${sum}`);
  }
  if (!round.indicators.some((x) => x.bonus && x.level1 === scheme.bonus.level1)) {
    fail('bonus.level1', `no bonus indicator of level1 "${scheme.bonus.level1}" in indicators.json`);
  }
  const covered = new Set([...scheme.groups.map((g) => g.level1), scheme.bonus.level1]);
  const stray = round.indicators.findIndex((x) => !covered.has(x.level1));
  if (stray >= 0) fail('groups', `indicator ${round.indicators[stray]?.slug} belongs to no group`);
  if (new Set(scheme.grades.map((g) => g.grade)).size !== scheme.grades.length) fail('grades', 'a grade twice');
  if (!scheme.grades.some((g) => g.min === 0)) fail('grades', 'no band starts at 0');
  for (const slug of Object.keys(scheme.guidance)) {
    if (!round.indicators.some((x) => x.slug === slug)) fail(`guidance.${slug}`, 'no such indicator');
  }
  return scheme;
}

/** The scoring scheme of a round (the latest when no id is given), validated against the round and cached. */
export function loadScoring(id?: string, dir = roundsDirectory()): ScoringScheme {
  const round = loadRound(id, dir);
  const key = `${dir}\u0000${round.id}`;
  let scheme = scoringCache.get(key);
  if (!scheme) {
    const data = readJson(dir, round.id, 'scoring.json', true);
    if (data === undefined) throw new Error(`Round ${round.id} has no scoring.json`);
    scheme = deepFreeze(parseScoringFile(round, data));
    scoringCache.set(key, scheme);
  }
  return scheme;
}
