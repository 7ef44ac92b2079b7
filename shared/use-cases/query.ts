/**
 * Query: the intake status staff look at (CLI, API, dashboard), at any moment.
 */
import { cityPlaces, matchBase, normalizeBaseName } from '../domain/base-names.ts';
import type { Base } from '../domain/catalogue.ts';
import { cityFindings, newBasesOf } from '../domain/city-rules.ts';
import type { Finding } from '../domain/findings.ts';
import type { BaseStatus, Unmatched } from '../domain/records.ts';
import type { AppContext, UsingRecords } from './context.ts';
import { evaluateAll } from './evaluate.ts';
import { type Excluded, listExcluded } from './excluded.ts';
import { findByReceipt } from './receipt-lookup.ts';
import { listRegistry } from './registry.ts';

/** Filters of a status query. */
export interface StatusQuery {
  asOf?: Date;
  city?: string;
  /** Part of a base's name (any spelling the matcher accepts) or its id. */
  base?: string;
  /** An upload's receipt number (`2023-0158`): only the base it was given for. */
  receipt?: string;
}

/** The answer of `intake status --json` (DESIGN.md). */
export interface StatusReport {
  bases: BaseStatus[];
  unmatched: Unmatched[];
  /** Submissions from bases that take no part this round (取消称号), kept for staff to see. */
  excluded: Excluded[];
  /** What the receipt number asked for names (null: no such upload), when one was asked for. */
  receipt?: { number: string; submissionId: string; baseId: string | null; receivedAt: string } | null;
}

/** Statuses of the participating bases and the unmatched queue at `asOf` (default now). */
export async function queryStatus(ctx: AppContext, query: StatusQuery = {}): Promise<StatusReport> {
  const asOf = query.asOf ?? ctx.clock.now();
  // One city's statuses come from its own range of the status index (see evaluateAll); the queues are read meanwhile.
  // The registry (of the city) is read once, for the statuses and the excluded bases alike.
  const registry = listRegistry(ctx, query.city ? { city: query.city } : {});
  const queues = Promise.all([
    listUnmatched(ctx, asOf),
    registry.then((entries) => listExcluded(ctx, asOf, query.city ? [query.city] : undefined, entries)),
  ]);
  // Awaited below; a failure there must not also surface as an unhandled rejection while the statuses are read.
  queues.catch(() => undefined);
  let bases = await evaluateAll(ctx, { asOf, registry, ...(query.city ? { city: query.city } : {}) });
  if (query.base) {
    const wanted = normalizeBaseName(query.base);
    bases = bases.filter((status) => status.baseId === query.base || normalizeBaseName(status.name).includes(wanted));
  }
  let receipt: StatusReport['receipt'];
  if (query.receipt !== undefined) {
    const found = await findByReceipt(ctx, query.receipt);
    const seen = found && found.submission.receivedAt <= asOf.toISOString() ? found : null;
    receipt = seen
      ? {
          number: seen.number,
          submissionId: seen.submission.id,
          baseId: seen.submission.baseId,
          receivedAt: seen.submission.receivedAt,
        }
      : null;
    bases = bases.filter((status) => receipt?.baseId === status.baseId);
  }
  const [unmatched, excluded] = await queues;
  return { bases, unmatched, excluded, ...(receipt !== undefined ? { receipt } : {}) };
}

/** Submissions waiting for staff to say which base they belong to. */
export async function listUnmatched(
  ctx: UsingRecords<'submissions' | 'documents' | 'registeredBases', 'round'>,
  asOf: Date,
): Promise<Unmatched[]> {
  const submissions = (await ctx.records.submissions.listUnmatched()).filter((s) => s.receivedAt <= asOf.toISOString());
  const out: Unmatched[] = [];
  if (submissions.length === 0) return out;
  const registry = await listRegistry(ctx);
  for (const submission of submissions) {
    const documents = await ctx.records.documents.listBySubmission(submission.id);
    const fileNames = documents.map((d) => d.fileName);
    const match = matchBase([submission.subject ?? '', ...fileNames], registry, cityPlaces(ctx.round.cities));
    out.push({
      submissionId: submission.id,
      from: submission.from,
      subject: submission.subject,
      receivedAt: submission.receivedAt,
      ...(submission.receipt ? { receipt: submission.receipt } : {}),
      fileNames,
      candidates:
        match.kind === 'ambiguous'
          ? match.candidates.map((c) => ({ baseId: c.base.id, name: c.base.name, score: c.score }))
          : [],
      findings: submission.findings,
    });
  }
  return out;
}

/** A city bureau's standing: its bases' states and what it owes itself (the official letter). */
export interface CityStatus {
  city: string;
  name: string;
  bureau: string;
  bases: number;
  byState: Record<BaseStatus['state'], number>;
  /** Bases that sent some required element after the deadline (逾期提交). */
  late: number;
  /** Bases still missing a required element past the deadline (截止仍缺). */
  overdue: number;
  openFindings: number;
  /** Bases whose 2 sealed paper copies were recorded. */
  paperComplete: number;
  /** Bases whose paper copies arrived after the paper due date. */
  paperLate: number;
  letterReceivedAt: string | null;
  pilotUnits: string[];
  ranking: string[];
  /** Ids of the bases the city recommends this round (category new); the notice allows 1-2. */
  newBases: string[];
  /** The city's own findings (city.too-many-recommended). */
  findings: Finding[];
}

/** The standing of every city at `asOf` (default now); with `city`, of that city alone, read without the others. */
export async function queryCityStatus(
  ctx: AppContext,
  input: { asOf?: Date; city?: string } = {},
): Promise<CityStatus[]> {
  const asOf = input.asOf ?? ctx.clock.now();
  // The registry (of the city) is read once, for the statuses and the lines alike.
  const registry = await listRegistry(ctx, input.city ? { city: input.city } : {});
  const statuses = await evaluateAll(ctx, { asOf, registry, ...(input.city ? { city: input.city } : {}) });
  return cityLines(ctx, asOf, statuses, input.city, registry);
}

/**
 * The city lines of statuses computed at `asOf`: every city's, or one city's. `registry`: the registry (of `only`,
 * or the whole round's) when the caller has read it already; read here otherwise.
 */
export async function cityLines(
  ctx: AppContext,
  asOf: Date,
  statuses: readonly BaseStatus[],
  only?: string,
  registry?: readonly Base[],
): Promise<CityStatus[]> {
  const [records, entries] = await Promise.all([
    only ? ctx.records.cities.get(only).then((record) => (record ? [record] : [])) : ctx.records.cities.list(),
    registry ?? listRegistry(ctx, only ? { city: only } : {}),
  ]);
  return ctx.round.cities
    .filter((city) => !only || city.id === only)
    .map((city) => {
      const bases = statuses.filter((s) => s.city === city.id);
      const record = records.find((r) => r.city === city.id);
      const letterAt =
        record?.letterReceivedAt && record.letterReceivedAt <= asOf.toISOString() ? record.letterReceivedAt : null;
      return {
        city: city.id,
        name: city.name,
        bureau: city.bureau,
        bases: bases.length,
        byState: {
          'not-received': bases.filter((b) => b.state === 'not-received').length,
          incomplete: bases.filter((b) => b.state === 'incomplete').length,
          complete: bases.filter((b) => b.state === 'complete').length,
        },
        late: bases.filter((b) => b.late).length,
        overdue: bases.filter((b) => b.overdue).length,
        openFindings: bases.reduce((sum, b) => sum + b.findings.filter((f) => f.severity !== 'info').length, 0),
        paperComplete: bases.filter((b) => b.paperCopies >= PAPER_COPIES_REQUIRED).length,
        paperLate: bases.filter((b) => (b as { paperLate?: boolean }).paperLate === true).length,
        letterReceivedAt: letterAt,
        pilotUnits: record?.pilotUnits ?? [],
        ranking: record?.ranking ?? [],
        newBases: newBasesOf(city, entries).map((b) => b.id),
        findings: cityFindings(ctx.round, city, entries),
      };
    });
}

/** Sealed paper copies the notice asks of each base. */
export const PAPER_COPIES_REQUIRED = 2;
