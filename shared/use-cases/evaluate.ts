/**
 * Evaluate: recompute a base's status from everything it sent, and keep the result for the dashboard and notices.
 */
import type { Base, Round } from '../domain/catalogue.ts';
import { IntakeError } from '../domain/errors.ts';
import { evaluate } from '../domain/evaluate.ts';
import type { BaseStatus } from '../domain/records.ts';
import { deadlineInstant } from '../domain/round-time.ts';
import { sha256Hex } from '../domain/sha256.ts';
import type { AppContext } from './context.ts';
import { listRegistry } from './registry.ts';

/** Computes a base's status at `asOf` (default: now) and, when it is the current status, stores it. */
export async function evaluateBase(ctx: AppContext, input: { baseId: string; asOf?: Date }): Promise<BaseStatus> {
  const registry = await listRegistry(ctx);
  const base = registry.find((b) => b.id === input.baseId);
  if (!base) throw new UnknownBaseError(input.baseId);
  if (input.asOf) return statusOf(ctx, base, input.asOf);
  // The revision is read before the facts: a status saved with it can only be replaced by one at least as new.
  const revision = await ctx.records.statuses.getRevision(base.id);
  const status = await statusOf(ctx, base, ctx.clock.now());
  await ctx.records.statuses.save(status, revision);
  return status;
}

/** Records that something a base's evaluation reads has changed, then evaluates it. Call after every such write. */
export async function baseChanged(ctx: AppContext, baseId: string): Promise<BaseStatus> {
  await ctx.records.statuses.bumpRevision(baseId);
  return evaluateBase(ctx, { baseId });
}

/**
 * Every participating base's status (of one city) at `asOf` (default: now), in registry order.
 *
 * Read from the stored statuses, one Query (of the city's range of the status index) and one batch of revision
 * reads, instead of five requests a base: a stored status is the answer when nothing it reads has changed since
 * (its revision is the base's), it was computed at or before `asOf` on the same side of the deadline (the one time
 * that changes a status by itself), with the same round data, and at most STORED_STATUS_MAX_AGE_MS before `asOf`
 * (so a changed rule in the code shows within that time). Any other base is computed from its records, and stored
 * when `asOf` is now.
 */
export async function evaluateAll(
  ctx: AppContext,
  input: { asOf?: Date; city?: string; registry?: readonly Base[] | Promise<readonly Base[]> } = {},
): Promise<BaseStatus[]> {
  const now = ctx.clock.now();
  const asOf = input.asOf ?? now;
  // A city's bases, statuses and revisions are read without the other cities' (flat as the round grows). A caller
  // that reads the registry (of that city) anyway passes it in `registry`, read or being read.
  // The stored statuses are read meanwhile (awaited below; a failure must not also surface as unhandled).
  const storedRead = ctx.records.statuses.listWithRevisions(input.city);
  storedRead.catch(() => undefined);
  const registry = await (input.registry ?? listRegistry(ctx, input.city ? { city: input.city } : {}));
  const bases = registry.filter((b) => b.participating && (!input.city || b.city === input.city));
  // Each stored status is let go once its base is done (a whole round's are tens of megabytes).
  const [storedOf, revisions] = await Promise.all([
    storedRead.then((stored) => new Map(stored.map((s) => [s.status.baseId, s]))),
    ctx.records.statuses.getRevisions(bases.map((b) => b.id)),
  ]);
  const fingerprint = roundFingerprint(ctx.round);
  const deadline = deadlineInstant(ctx.round).getTime();
  const current = Math.abs(asOf.getTime() - now.getTime()) <= CURRENT_WITHIN_MS;
  const reusable = (base: Base): BaseStatus | undefined => {
    const found = storedOf.get(base.id);
    storedOf.delete(base.id);
    if (!found || found.revision !== (revisions.get(base.id) ?? 0)) return undefined;
    const at = Date.parse(found.status.asOf);
    const fresh =
      found.status.evaluatedWith === fingerprint &&
      at <= asOf.getTime() &&
      asOf.getTime() - at <= STORED_STATUS_MAX_AGE_MS &&
      at >= deadline === asOf.getTime() >= deadline;
    return fresh ? { ...found.status, asOf: asOf.toISOString() } : undefined;
  };
  return mapLimited(bases, RECOMPUTE_CONCURRENCY, async (base) => {
    const reused = reusable(base);
    if (reused) return reused;
    const status = await statusOf(ctx, base, asOf);
    if (current) await ctx.records.statuses.save(status, revisions.get(base.id) ?? 0);
    return status;
  });
}

/** A stored status older than this is computed again, so that a change of the rules in the code shows within it. */
export const STORED_STATUS_MAX_AGE_MS = 10 * 60 * 1000;
/** `asOf` within this of the clock counts as now: what is computed then is stored. */
const CURRENT_WITHIN_MS = 5_000;
/** Bases computed at once when stored statuses cannot answer (each reads three record kinds). */
const RECOMPUTE_CONCURRENCY = 4;

async function statusOf(ctx: AppContext, base: Base, asOf: Date): Promise<BaseStatus> {
  const [submissions, documents, decisions] = await Promise.all([
    ctx.records.submissions.listByBase(base.id),
    ctx.records.documents.listByBase(base.id),
    ctx.records.decisions.list(base.id),
  ]);
  const status = evaluate({ round: ctx.round, base, submissions, documents, decisions, asOf });
  return { ...status, evaluatedWith: roundFingerprint(ctx.round) };
}

const fingerprints = new WeakMap<Round, string>();

/** The round data a status was computed with (its dates, registry, indicators, form, vocabulary), as a short hash. */
function roundFingerprint(round: Round): string {
  let found = fingerprints.get(round);
  if (found === undefined) {
    found = sha256Hex(JSON.stringify(round)).slice(0, 16);
    fingerprints.set(round, found);
  }
  return found;
}

/** `work` over `items` with at most `limit` at once; results in the items' order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** No base with that id in the registry. */
export class UnknownBaseError extends IntakeError {
  constructor(readonly baseId: string) {
    super('base.unknown', 'input', `no base with id ${baseId}`, `没有编号为“${baseId}”的基地`);
    this.name = 'UnknownBaseError';
  }
}
