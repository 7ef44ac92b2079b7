/**
 * Evaluate: recompute a base's status from everything it sent, and keep the result for the dashboard and notices.
 */
import type { Base } from '../domain/catalogue.ts';
import { evaluate } from '../domain/evaluate.ts';
import type { BaseStatus } from '../domain/records.ts';
import type { AppContext } from './context.ts';
import { listRegistry } from './registry.ts';

/** Computes a base's status at `asOf` (default: now) and, when it is the current status, stores it. */
export async function evaluateBase(ctx: AppContext, input: { baseId: string; asOf?: Date }): Promise<BaseStatus> {
  const registry = await listRegistry(ctx);
  const base = registry.find((b) => b.id === input.baseId);
  if (!base) throw new UnknownBaseError(input.baseId);
  const status = await statusOf(ctx, base, input.asOf ?? ctx.clock.now());
  if (!input.asOf) await ctx.records.saveBaseStatus(status);
  return status;
}

/** Computes every participating base's status at `asOf` (default: now); stores them when current. */
export async function evaluateAll(ctx: AppContext, input: { asOf?: Date } = {}): Promise<BaseStatus[]> {
  const registry = await listRegistry(ctx);
  const asOf = input.asOf ?? ctx.clock.now();
  const statuses: BaseStatus[] = [];
  for (const base of registry.filter((b) => b.participating)) {
    const status = await statusOf(ctx, base, asOf);
    if (!input.asOf) await ctx.records.saveBaseStatus(status);
    statuses.push(status);
  }
  return statuses;
}

async function statusOf(ctx: AppContext, base: Base, asOf: Date): Promise<BaseStatus> {
  const [submissions, documents] = await Promise.all([
    ctx.records.listSubmissionsByBase(base.id),
    ctx.records.listDocumentsByBase(base.id),
  ]);
  return evaluate({ round: ctx.round, base, submissions, documents, asOf });
}

/** No base with that id in the registry. */
export class UnknownBaseError extends Error {
  constructor(readonly baseId: string) {
    super(`no base with id ${baseId}`);
    this.name = 'UnknownBaseError';
  }
}
