/**
 * Staff actions on intake: assign an unmatched submission to a base, register a base a city recommends this round,
 * read a stored message again. Each one is recorded in the audit trail (who, when, what, why).
 */
import { createHash, randomUUID } from 'node:crypto';
import { type Base, type CityId, cityIdSchema } from '../domain/catalogue.ts';
import type { AuditEvent, Submission } from '../domain/records.ts';
import type { AppContext } from './context.ts';
import { evaluateBase, UnknownBaseError } from './evaluate.ts';
import { type IngestResult, ingestMessage } from './intake.ts';
import { listRegistry } from './registry.ts';

/** Who did it and why; every staff action needs both. */
export interface Actor {
  actor: string;
  reason: string;
}

/** No submission with that id. */
export class UnknownSubmissionError extends Error {
  constructor(readonly submissionId: string) {
    super(`no submission with id ${submissionId}`);
    this.name = 'UnknownSubmissionError';
  }
}

/** A staff action that cannot be done as asked (e.g. a duplicate name). */
export class StaffActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaffActionError';
  }
}

const MATCH_FINDINGS = new Set(['intake.base-unknown', 'intake.base-ambiguous']);

/**
 * Assigns a submission (usually from the unmatched queue) to a base: its documents move to the base, the sender's
 * address is remembered for the base, and the base (and any base it left) is evaluated again.
 */
export async function assignSubmission(
  ctx: AppContext,
  input: Actor & { submissionId: string; baseId: string; rememberSender?: boolean },
): Promise<Submission> {
  const submission = await ctx.records.getSubmission(input.submissionId);
  if (!submission) throw new UnknownSubmissionError(input.submissionId);
  const base = (await listRegistry(ctx)).find((b) => b.id === input.baseId);
  if (!base) throw new UnknownBaseError(input.baseId);
  const previous = submission.baseId;

  submission.baseId = base.id;
  submission.match = { how: 'staff', source: input.actor, score: 1 };
  submission.findings = submission.findings.filter((f) => !MATCH_FINDINGS.has(f.code));
  for (const doc of await ctx.records.listDocumentsBySubmission(submission.id)) {
    await ctx.records.saveDocument({ ...doc, baseId: base.id });
  }
  await ctx.records.saveSubmission(submission);

  const address = addressOf(submission.from);
  if (address && input.rememberSender !== false) {
    await ctx.records.saveSender({
      address,
      baseId: base.id,
      confirmedBy: input.actor,
      confirmedAt: ctx.clock.now().toISOString(),
    });
  }
  await audit(ctx, input, 'assign-submission', base.id, submission.id, {
    from: previous,
    to: base.id,
    sender: address,
  });
  if (previous && previous !== base.id) await evaluateBase(ctx, { baseId: previous });
  await evaluateBase(ctx, { baseId: base.id });
  return submission;
}

/** Registers a base a city recommends this round (not in Annex 4); it then takes part like the others. */
export async function registerBase(
  ctx: AppContext,
  input: Actor & { name: string; city: string; aliases?: string[] },
): Promise<Base> {
  const city: CityId = cityIdSchema.parse(input.city);
  const name = input.name.trim();
  if (!name) throw new StaffActionError('base name is empty');
  const registry = await listRegistry(ctx);
  const same = registry.find((b) => b.name === name);
  if (same) throw new StaffActionError(`a base named ${name} exists already (${same.id})`);
  const base: Base = {
    id: `n-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`,
    name,
    city,
    category: 'new',
    grade2021: null,
    aliases: input.aliases ?? [],
    participating: true,
  };
  await ctx.records.saveRegisteredBase(ctx.round.id, base);
  await audit(ctx, input, 'register-base', base.id, null, { name, city });
  return base;
}

/** Reads a stored message again with today's parsers; the same records come out (ids are content-derived). */
export async function reprocessSubmission(
  ctx: AppContext,
  input: Actor & { submissionId: string },
): Promise<IngestResult> {
  const submission = await ctx.records.getSubmission(input.submissionId);
  if (!submission) throw new UnknownSubmissionError(input.submissionId);
  const raw = await ctx.blobs.get(submission.rawKey);
  const result = await ingestMessage(ctx, {
    raw,
    channel: submission.channel,
    rawKey: submission.rawKey,
    receivedAt: new Date(submission.receivedAt),
    reprocess: true,
  });
  await audit(ctx, input, 'reprocess-submission', result.baseId, submission.id, {});
  return result;
}

async function audit(
  ctx: AppContext,
  who: Actor,
  action: string,
  baseId: string | null,
  submissionId: string | null,
  details: Record<string, unknown>,
): Promise<void> {
  const event: AuditEvent = {
    id: randomUUID(),
    at: ctx.clock.now().toISOString(),
    actor: who.actor,
    action,
    baseId,
    submissionId,
    reason: who.reason,
    details,
  };
  await ctx.records.appendAudit(event);
}

/** The address part of a From: header text, lower-cased. */
export function addressOf(from: string | null): string | null {
  if (!from) return null;
  const angle = /<([^<>@\s]+@[^<>\s]+)>/.exec(from)?.[1];
  const bare = /([^\s<>"]+@[^\s<>"]+)/.exec(from)?.[1];
  return (angle ?? bare)?.toLowerCase() ?? null;
}
