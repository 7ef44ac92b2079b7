/**
 * The review's results and proposal, read from the records (`intake review results`, `intake review proposal`, the
 * review board): every expert's imported points, the packages' lateness and completeness at `asOf` (for the
 * deductions the scheme sets), the earlier grades (Annex 4, or entered by staff) and the cities' rankings.
 *
 * Primary course: read the experts' records and the statuses; compute results (pure, domain/review.ts); propose the
 * list adjustment; say, per base, which experts that were issued sheets have not returned points for it.
 */
import { randomUUID } from 'node:crypto';
import {
  type AdjustmentProposal,
  type BaseResult,
  computeResults,
  type ExpertBaseScores,
  type PriorGrade,
  priorGrades,
  proposeAdjustment,
} from '../domain/review.ts';
import type { ExpertRecord, Objection, StoredDeduction } from '../domain/review-records.ts';
import { loadScoring } from '../domain/rounds/index.ts';
import { type ReviewGrade, reviewGradeSchema, type ScoringScheme } from '../domain/scoring.ts';
import type { AppContext } from './context.ts';
import { evaluateAll } from './evaluate.ts';
import { listRegistry } from './registry.ts';
import { StaffActionError } from './staff-actions.ts';

/** The review as staff see it. */
export interface ReviewReport {
  roundId: string;
  scheme: ScoringScheme;
  /** Experts known to the review: issued sheets or returned points; by name. */
  experts: { name: string; issuedAt: string | null; bases: number; scored: number; workbooks: number }[];
  results: (BaseResult & {
    /** Experts issued a sheet for the base who have not returned points for it. */
    awaiting: string[];
    prior: PriorGrade | null;
    late: boolean;
    incomplete: boolean;
  })[];
  proposal: AdjustmentProposal;
  /** Objections raised during the 公示, oldest first, with their outcome once decided. */
  objections: Objection[];
}

/** Computes results and proposal at `asOf` (default now). */
export async function queryReview(ctx: AppContext, input: { asOf?: Date } = {}): Promise<ReviewReport> {
  const scheme = loadScoring(ctx.round.id);
  const registry = (await listRegistry(ctx)).filter((b) => b.participating);
  const [records, statuses, entered, cityRecords, deductions, objections] = await Promise.all([
    ctx.records.review.listExperts(ctx.round.id),
    evaluateAll(ctx, { asOf: input.asOf }),
    ctx.records.review.listPriorGrades(ctx.round.id),
    ctx.records.cities.list(),
    ctx.records.review.listDeductions(ctx.round.id),
    ctx.records.review.listObjections(ctx.round.id),
  ]);
  const scores: ExpertBaseScores[] = records.flatMap((r) => Object.values(r.scores));
  const packages = statuses.map((s) => ({ baseId: s.baseId, late: s.late, incomplete: s.state !== 'complete' }));
  const results = computeResults({
    scheme,
    indicators: ctx.round.indicators,
    controlItems: ctx.round.controlItems,
    bases: registry,
    scores,
    packages,
    manualDeductions: deductions.filter((d) => d.active),
  });
  const priors = priorGrades(registry, scheme.adjustment.sinceYear, entered);
  const proposal = proposeAdjustment({
    scheme,
    results,
    priors,
    cityRankings: new Map(cityRecords.map((c) => [c.city, c.ranking])),
  });
  const facts = new Map(packages.map((p) => [p.baseId, p]));
  return {
    roundId: ctx.round.id,
    scheme,
    experts: records
      .map((r) => ({
        name: r.expert,
        issuedAt: r.issued?.at ?? null,
        bases: r.issued?.bases.length ?? 0,
        scored: Object.keys(r.scores).length,
        workbooks: r.workbooks.length,
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    results: results.map((r) => ({
      ...r,
      awaiting: awaiting(records, r.baseId),
      prior: priors.get(r.baseId) ?? null,
      late: facts.get(r.baseId)?.late ?? false,
      incomplete: facts.get(r.baseId)?.incomplete ?? true,
    })),
    proposal,
    objections,
  };
}

function awaiting(records: readonly ExpertRecord[], baseId: string): string[] {
  return records
    .filter((r) => r.issued?.bases.includes(baseId) && !r.scores[baseId])
    .map((r) => r.expert)
    .sort((a, b) => a.localeCompare(b, 'zh-CN'));
}

/**
 * Records a base's grade in an earlier evaluation, as a city's 公函 states it (a base recommended this round has
 * none in Annex 4); audited. It counts for the list adjustment in place of the round data's.
 */
export async function enterPriorGrade(
  ctx: AppContext,
  input: { baseId: string; year: number; grade: string; actor: string; reason: string },
): Promise<PriorGrade> {
  const base = (await listRegistry(ctx)).find((b) => b.id === input.baseId);
  if (!base) throw new StaffActionError(`没有编号为${input.baseId}的基地`);
  const grade = reviewGradeSchema.safeParse(input.grade.trim().toUpperCase());
  if (!grade.success) throw new StaffActionError(`等级应为A、B、C或D，收到“${input.grade}”`);
  if (!input.reason.trim()) throw new StaffActionError('请注明依据（如某市商务局公函）');
  const at = ctx.clock.now().toISOString();
  const entry: PriorGrade = {
    baseId: base.id,
    year: input.year,
    grade: grade.data as ReviewGrade,
    source: 'staff',
    actor: input.actor,
    reason: input.reason,
    at,
  };
  await ctx.records.review.savePriorGrade({ ...entry, roundId: ctx.round.id });
  await ctx.records.audit.append({
    id: randomUUID(),
    at,
    actor: input.actor,
    action: 'review-prior-grade',
    baseId: base.id,
    submissionId: null,
    reason: input.reason,
    details: { year: input.year, grade: entry.grade, annex4: base.grade2021 },
  });
  return entry;
}

/** A deduction staff make by hand (三(一) 「数据不实」 and the like): points and the reason shown beside it; audited. */
export async function deductByHand(
  ctx: AppContext,
  input: { baseId: string; points: number; reason: string; actor: string },
): Promise<StoredDeduction> {
  const base = (await listRegistry(ctx)).find((b) => b.id === input.baseId);
  if (!base) throw new StaffActionError(`没有编号为${input.baseId}的基地`);
  if (!(input.points > 0) || input.points > 100) throw new StaffActionError('扣分应大于0且不超过100分');
  if (!input.reason.trim()) throw new StaffActionError('请注明扣分理由（将随结果一并显示）');
  const at = ctx.clock.now().toISOString();
  const deduction: StoredDeduction = {
    roundId: ctx.round.id,
    id: randomUUID().slice(0, 8),
    baseId: base.id,
    points: input.points,
    reason: input.reason.trim(),
    active: true,
    actor: input.actor,
    at,
  };
  await ctx.records.review.saveDeduction(deduction);
  await audit(ctx, input.actor, 'review-deduction', base.id, deduction.reason, {
    id: deduction.id,
    points: input.points,
  });
  return deduction;
}

/** Takes a manual deduction back; audited with why. */
export async function withdrawDeduction(
  ctx: AppContext,
  input: { id: string; actor: string; reason: string },
): Promise<StoredDeduction> {
  const found = (await ctx.records.review.listDeductions(ctx.round.id)).find((d) => d.id === input.id && d.active);
  if (!found) throw new StaffActionError(`没有编号为${input.id}的有效扣分`);
  const withdrawn = { ...found, active: false };
  await ctx.records.review.saveDeduction(withdrawn);
  await audit(ctx, input.actor, 'review-deduction-withdrawn', found.baseId, input.reason, { id: found.id });
  return withdrawn;
}

/** Records an objection received during the 公示 (二、(三)); audited. */
export async function recordObjection(
  ctx: AppContext,
  input: { baseId: string | null; raisedBy: string; receivedOn: string; summary: string; actor: string },
): Promise<Objection> {
  if (input.baseId && !(await listRegistry(ctx)).some((b) => b.id === input.baseId)) {
    throw new StaffActionError(`没有编号为${input.baseId}的基地`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.receivedOn)) throw new StaffActionError('收到日期应为YYYY-MM-DD');
  if (!input.raisedBy.trim() || !input.summary.trim()) throw new StaffActionError('请填写异议人和异议内容');
  const at = ctx.clock.now().toISOString();
  const objection: Objection = {
    roundId: ctx.round.id,
    id: randomUUID().slice(0, 8),
    baseId: input.baseId,
    raisedBy: input.raisedBy.trim(),
    receivedOn: input.receivedOn,
    summary: input.summary.trim(),
    outcome: null,
    actor: input.actor,
    at,
  };
  await ctx.records.review.saveObjection(objection);
  await audit(ctx, input.actor, 'review-objection', input.baseId, objection.summary, {
    id: objection.id,
    raisedBy: objection.raisedBy,
  });
  return objection;
}

/** Records the outcome of the experts' reconsideration (复议) of an objection; audited. Decided once. */
export async function decideObjection(
  ctx: AppContext,
  input: { id: string; decision: 'upheld' | 'rejected'; note: string; decidedOn: string; actor: string },
): Promise<Objection> {
  const found = (await ctx.records.review.listObjections(ctx.round.id)).find((o) => o.id === input.id);
  if (!found) throw new StaffActionError(`没有编号为${input.id}的异议`);
  if (found.outcome) throw new StaffActionError(`异议${input.id}已于${found.outcome.decidedOn}作出复议结论`);
  if (!input.note.trim()) throw new StaffActionError('请填写复议意见');
  const decided: Objection = {
    ...found,
    outcome: { decision: input.decision, note: input.note.trim(), decidedOn: input.decidedOn, actor: input.actor },
  };
  await ctx.records.review.saveObjection(decided);
  await audit(ctx, input.actor, 'review-objection-decided', found.baseId, decided.outcome?.note ?? '', {
    id: found.id,
    decision: input.decision,
  });
  return decided;
}

async function audit(
  ctx: AppContext,
  actor: string,
  action: string,
  baseId: string | null,
  reason: string,
  details: Record<string, unknown>,
): Promise<void> {
  await ctx.records.audit.append({
    id: randomUUID(),
    at: ctx.clock.now().toISOString(),
    actor,
    action,
    baseId,
    submissionId: null,
    reason,
    details,
  });
}
