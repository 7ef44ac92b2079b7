/**
 * Submissions from bases that take no part this round (Annex 4, third table: 取消称号): they are kept, shown to
 * staff apart from the unmatched queue, and can be turned into a base the city recommends this round in one step.
 *
 * Primary course of `recommendExcludedBase` (staff, after the city's 公函 recommends the base):
 * 1. find the non-participating base the submission was matched to;
 * 2. register a new base (category `new`) with its name, city and aliases; from then on the registry shows the
 *    new base in place of the cancelled one (registry.ts), so later mail matches it;
 * 3. move every submission of the cancelled base, with its documents, to the new base and remember its senders;
 * 4. audit, and evaluate the new base.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Base } from '../domain/catalogue.ts';
import { CATEGORY_NAMES } from '../domain/notice-text.ts';
import type { AppContext } from './context.ts';
import { baseChanged } from './evaluate.ts';
import { listRegistry, listRoundRegistry } from './registry.ts';
import { addressOf, registerBase, StaffActionError, UnknownSubmissionError } from './staff-actions.ts';

/** A submission identified as a base that takes no part this round (`status --json` → `excluded`). */
export const excludedSchema = z.object({
  submissionId: z.string(),
  base: z.object({ id: z.string(), name: z.string(), city: z.string(), category: z.string() }),
  /** Why the base takes no part, in words (「已取消称号，不在本年度参评基地名单内」). */
  reason: z.string(),
  from: z.string().nullable(),
  subject: z.string().nullable(),
  receivedAt: z.string(),
  fileNames: z.array(z.string()),
});
/** An excluded submission. */
export type Excluded = z.infer<typeof excludedSchema>;

/** Submissions received by `asOf` from bases that take no part, oldest first; limited to `cities` when given. */
export async function listExcluded(
  ctx: AppContext,
  asOf: Date,
  cities?: readonly string[],
  /** The registry (of the one city in `cities`, or the round's) when the caller has read it already. */
  registry?: readonly Base[],
): Promise<Excluded[]> {
  const at = asOf.toISOString();
  const scope = cities?.length === 1 ? { city: cities[0] as string } : {};
  const outside = (registry ?? (await listRegistry(ctx, scope))).filter(
    (b) => !b.participating && (!cities || cities.includes(b.city)),
  );
  const out: Excluded[] = [];
  for (const base of outside) {
    const submissions = (await ctx.records.submissions.listByBase(base.id)).filter(
      (s) => s.state !== 'duplicate' && s.receivedAt <= at,
    );
    for (const submission of submissions) {
      const documents = await ctx.records.documents.listBySubmission(submission.id);
      out.push({
        submissionId: submission.id,
        base: { id: base.id, name: base.name, city: base.city, category: base.category },
        reason: reasonOf(base),
        from: submission.from,
        subject: submission.subject,
        receivedAt: submission.receivedAt,
        fileNames: documents.map((d) => d.fileName),
      });
    }
  }
  return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}

/** What `recommendExcludedBase` did. */
export interface RecommendedBase {
  base: Base;
  /** The base that took no part, now replaced in the registry. */
  replaces: { id: string; name: string };
  /** Submissions moved to the new base, with their documents. */
  submissions: string[];
}

/**
 * Turns the base of an excluded submission into a base the city recommends this round, keeping everything it sent
 * (see the primary course above).
 */
export async function recommendExcludedBase(
  ctx: AppContext,
  input: { submissionId: string; actor: string; reason: string },
): Promise<RecommendedBase> {
  const submission = await ctx.records.submissions.get(input.submissionId);
  if (!submission) throw new UnknownSubmissionError(input.submissionId);
  const old = (await listRoundRegistry(ctx)).find((b) => b.id === submission.baseId);
  if (!old || old.participating) {
    throw new StaffActionError(`submission ${input.submissionId} is not from a base that takes no part this round`);
  }
  const base = await registerBase(ctx, {
    name: old.name,
    city: old.city,
    aliases: old.aliases,
    actor: input.actor,
    reason: input.reason,
  });
  const now = ctx.clock.now().toISOString();
  const moved: string[] = [];
  for (const s of await ctx.records.submissions.listByBase(old.id)) {
    for (const doc of await ctx.records.documents.listBySubmission(s.id)) {
      await ctx.records.documents.save({ ...doc, baseId: base.id });
    }
    await ctx.records.submissions.save({
      ...s,
      baseId: base.id,
      match: { how: 'staff', source: input.actor, score: 1 },
      findings: s.findings.filter((f) => f.code !== 'intake.base-cancelled'),
    });
    const address = addressOf(s.from);
    if (address)
      await ctx.records.senders.save({ address, baseId: base.id, confirmedBy: input.actor, confirmedAt: now });
    moved.push(s.id);
  }
  await ctx.records.audit.append({
    id: randomUUID(),
    at: now,
    actor: input.actor,
    action: 'recommend-excluded-base',
    baseId: base.id,
    submissionId: submission.id,
    reason: input.reason,
    details: { replaces: old.id, name: old.name, city: old.city, submissions: moved },
  });
  await baseChanged(ctx, base.id);
  return { base, replaces: { id: old.id, name: old.name }, submissions: moved };
}

function reasonOf(base: Base): string {
  const category = CATEGORY_NAMES[base.category] ?? base.category;
  return base.remark && !category.includes(base.remark)
    ? `${category}（${base.remark}），不在本年度参评基地名单内`
    : `${category}，不在本年度参评基地名单内`;
}
