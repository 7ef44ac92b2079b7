/**
 * Evaluate: recompute a base's status from everything it sent, and keep the result for the dashboard and notices.
 */
import type { Base } from '../domain/catalogue.ts';
import { IntakeError } from '../domain/errors.ts';
import { evaluate } from '../domain/evaluate.ts';
import type { BaseStatus } from '../domain/records.ts';
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

/** Computes every participating base's status at `asOf` (default: now); stores them when current. */
export async function evaluateAll(ctx: AppContext, input: { asOf?: Date } = {}): Promise<BaseStatus[]> {
  const registry = await listRegistry(ctx);
  const asOf = input.asOf ?? ctx.clock.now();
  const statuses: BaseStatus[] = [];
  for (const base of registry.filter((b) => b.participating)) {
    if (input.asOf) {
      statuses.push(await statusOf(ctx, base, asOf));
    } else {
      const revision = await ctx.records.statuses.getRevision(base.id);
      const status = await statusOf(ctx, base, asOf);
      await ctx.records.statuses.save(status, revision);
      statuses.push(status);
    }
  }
  return statuses;
}

async function statusOf(ctx: AppContext, base: Base, asOf: Date): Promise<BaseStatus> {
  const [submissions, documents, decisions] = await Promise.all([
    ctx.records.submissions.listByBase(base.id),
    ctx.records.documents.listByBase(base.id),
    ctx.records.decisions.list(base.id),
  ]);
  return evaluate({ round: ctx.round, base, submissions, documents, decisions, asOf });
}

/** No base with that id in the registry. */
export class UnknownBaseError extends IntakeError {
  constructor(readonly baseId: string) {
    super('base.unknown', 'input', `no base with id ${baseId}`, `没有编号为“${baseId}”的基地`);
    this.name = 'UnknownBaseError';
  }
}
