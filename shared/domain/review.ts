/**
 * The expert review, computed (附件1's closing rules, 一、(四), 三、(一)): experts' points per base and indicator
 * become one figure per indicator (the scheme's aggregation), level-1 subtotals with the 60 % flag, the bonus capped,
 * deductions with their reasons, a total, a grade, ranks in the province and in the city, and the control items
 * as the experts confirmed them (not confirmed: a blocker for the grades that need them). Pure: the use cases read
 * the records and hand them in.
 *
 * Arithmetic is done in integer units of 10^-decimals (hundredths by default), so that 74.995 never becomes 75 by a
 * float slip and a total exactly on a band edge (60, 75, 85) gets the upper band.
 */
import { z } from 'zod';
import type { Base, ControlItem, Indicator } from './catalogue.ts';
import { gradeFor, type ReviewGrade, reviewGradeSchema, type ScoringScheme } from './scoring.ts';

/** One expert's points for one base, as imported from that expert's workbook. */
export const expertBaseScoresSchema = z.object({
  expert: z.string().min(1),
  baseId: z.string().min(1),
  /** Indicator slug → points given (every indicator of the round once the sheet is accepted). */
  points: z.record(z.string(), z.number().min(0)),
  /** Control item id → confirmed met (true) or not met (false); absent when the expert left it open. */
  controls: z.record(z.string(), z.boolean()),
  /** The expert's comment on the base (评价意见), sent back to the city. */
  comment: z.string(),
  /** The workbook the points came from (a stored document) and its sheet. */
  source: z.object({ documentId: z.string(), fileName: z.string(), sheet: z.string() }),
  importedAt: z.string(),
  importedBy: z.string(),
});
/** One expert's points for one base. */
export type ExpertBaseScores = z.infer<typeof expertBaseScoresSchema>;

/** A base's grade in an earlier evaluation, from the round data (Annex 4) or entered by staff from a city's 公函. */
export const priorGradeSchema = z.object({
  baseId: z.string().min(1),
  year: z.number().int(),
  grade: reviewGradeSchema,
  source: z.enum(['round-data', 'staff']),
  actor: z.string().optional(),
  reason: z.string().optional(),
  at: z.string().optional(),
});
/** An earlier grade of a base. */
export type PriorGrade = z.infer<typeof priorGradeSchema>;

/** A deduction staff decided by hand (e.g. 数据不实, 三(一)), with its reason. */
export const manualDeductionSchema = z.object({
  baseId: z.string().min(1),
  points: z.number().positive(),
  reason: z.string().min(1),
  actor: z.string(),
  at: z.string(),
});
/** A deduction entered by staff. */
export type ManualDeduction = z.infer<typeof manualDeductionSchema>;

/** What intake says about a base's package at the review: late (逾期提交) and/or still incomplete. */
export interface PackageFacts {
  baseId: string;
  late: boolean;
  incomplete: boolean;
}

/** One indicator of a base's result. */
export interface IndicatorResult {
  slug: string;
  name: string;
  level1: string;
  max: number;
  bonus: boolean;
  /** The combined points, null when no expert gave any. */
  points: number | null;
  /** Each expert's points (null: that expert scored the base but gave none here). */
  byExpert: Record<string, number | null>;
  /** Highest minus lowest of the experts' points, null with fewer than two. */
  spread: number | null;
}

/** A level-1 subtotal and whether it exceeds the scheme's share of its points. */
export interface GroupResult {
  level1: string;
  points: number;
  subtotal: number;
  /** The subtotal does not exceed `groupMinShare` of the points (「应超过…60%」). */
  belowShare: boolean;
  /** The floor it should exceed (e.g. 21.6 of 36). */
  floor: number;
}

/** A deduction made, with why. */
export interface DeductionResult {
  kind: 'late' | 'incomplete' | 'manual';
  points: number;
  reason: string;
}

/** A control item as the experts confirmed it. */
export interface ControlResult {
  id: string;
  label: string;
  /** met: every expert who answered said met (and one did); not-met: one said not met; unconfirmed: none answered. */
  state: 'met' | 'not-met' | 'unconfirmed';
  byExpert: Record<string, boolean | null>;
}

/** The review result of one base. */
export interface BaseResult {
  baseId: string;
  name: string;
  city: string;
  category: string;
  /** Experts who scored the base, in name order. */
  experts: string[];
  indicators: IndicatorResult[];
  groups: GroupResult[];
  /** Sum of the scored groups (评分项). */
  scored: number;
  /** Sum of the bonus items before and after the cap. */
  bonusRaw: number;
  bonus: number;
  deductions: DeductionResult[];
  /** Total; null until every indicator has points. */
  total: number | null;
  grade: ReviewGrade | null;
  controls: ControlResult[];
  /** Control items not confirmed, when the grade is one that needs them (e.g. A or B). */
  blockers: string[];
  /** Indicators no expert gave points for. */
  missing: string[];
  rank: { province: number | null; city: number | null };
  comments: { expert: string; text: string }[];
  /** Each expert's own total for the base (scored + capped bonus, no deductions), for experts who scored it all. */
  expertTotals: Record<string, number>;
  /** The experts' own totals, highest minus lowest (null with fewer than two). */
  totalSpread: number | null;
}

/** Everything the computation reads. */
export interface ReviewInput {
  scheme: ScoringScheme;
  indicators: readonly Indicator[];
  controlItems: readonly ControlItem[];
  /** The participating bases, in registry order. */
  bases: readonly Base[];
  scores: readonly ExpertBaseScores[];
  packages: readonly PackageFacts[];
  manualDeductions?: readonly ManualDeduction[];
}

/** Integer units of a scheme's precision. */
function unitsOf(scheme: ScoringScheme): number {
  return 10 ** scheme.decimals;
}

function toUnits(value: number, f: number): number {
  return Math.round(value * f);
}

/** Combines experts' points (in units) by the scheme's rule, rounded to units. */
export function aggregate(scheme: ScoringScheme, values: readonly number[]): number | null {
  const f = unitsOf(scheme);
  const units = values.map((v) => toUnits(v, f)).sort((a, b) => a - b);
  if (units.length === 0) return null;
  let kept = units;
  if (scheme.aggregation === 'median') {
    const mid = Math.floor(units.length / 2);
    const median =
      units.length % 2 === 1 ? (units[mid] ?? 0) : Math.round(((units[mid - 1] ?? 0) + (units[mid] ?? 0)) / 2);
    return median / f;
  }
  if (scheme.aggregation === 'trimmed-mean' && units.length >= 3) kept = units.slice(1, -1);
  const sum = kept.reduce((s, v) => s + v, 0);
  return Math.round(sum / kept.length) / f;
}

/** Computes every participating base's result, ranks included. */
export function computeResults(input: ReviewInput): BaseResult[] {
  const { scheme } = input;
  const f = unitsOf(scheme);
  const scoresByBase = new Map<string, ExpertBaseScores[]>();
  for (const s of input.scores) scoresByBase.set(s.baseId, [...(scoresByBase.get(s.baseId) ?? []), s]);
  const packages = new Map(input.packages.map((p) => [p.baseId, p]));

  const results = input.bases.map((base): BaseResult => {
    const sheets = [...(scoresByBase.get(base.id) ?? [])].sort((a, b) => a.expert.localeCompare(b.expert, 'zh-CN'));
    const experts = sheets.map((s) => s.expert);
    const indicators = input.indicators.map((indicator): IndicatorResult => {
      const byExpert: Record<string, number | null> = {};
      const values: number[] = [];
      for (const sheet of sheets) {
        const v = sheet.points[indicator.slug];
        byExpert[sheet.expert] = v ?? null;
        if (v !== undefined) values.push(Math.min(v, indicator.points));
      }
      const spread =
        values.length >= 2 ? (toUnits(Math.max(...values), f) - toUnits(Math.min(...values), f)) / f : null;
      return {
        slug: indicator.slug,
        name: indicator.name,
        level1: indicator.level1,
        max: indicator.points,
        bonus: indicator.bonus,
        points: aggregate(scheme, values),
        byExpert,
        spread,
      };
    });
    const sumUnits = (list: readonly IndicatorResult[]) => list.reduce((s, x) => s + toUnits(x.points ?? 0, f), 0);
    const groups = scheme.groups.map((group): GroupResult => {
      const subtotal = sumUnits(indicators.filter((x) => !x.bonus && x.level1 === group.level1));
      const floor = toUnits(group.points * scheme.groupMinShare, f);
      return {
        level1: group.level1,
        points: group.points,
        subtotal: subtotal / f,
        floor: floor / f,
        belowShare: subtotal <= floor,
      };
    });
    const scoredUnits = groups.reduce((s, g) => s + toUnits(g.subtotal, f), 0);
    const bonusRawUnits = sumUnits(indicators.filter((x) => x.bonus));
    const bonusUnits = Math.min(bonusRawUnits, toUnits(scheme.bonus.cap, f));

    const facts = packages.get(base.id);
    const deductions: DeductionResult[] = [];
    if (facts?.late && scheme.deductions.late.points > 0) {
      deductions.push({ kind: 'late', points: scheme.deductions.late.points, reason: scheme.deductions.late.reason });
    }
    if (facts?.incomplete && scheme.deductions.incomplete.points > 0) {
      deductions.push({
        kind: 'incomplete',
        points: scheme.deductions.incomplete.points,
        reason: scheme.deductions.incomplete.reason,
      });
    }
    for (const d of input.manualDeductions ?? []) {
      if (d.baseId === base.id) deductions.push({ kind: 'manual', points: d.points, reason: d.reason });
    }
    const deductedUnits = deductions.reduce((s, d) => s + toUnits(d.points, f), 0);

    const missing = indicators.filter((x) => x.points === null).map((x) => x.slug);
    const complete = sheets.length > 0 && missing.length === 0;
    const total = complete ? Math.max(0, scoredUnits + bonusUnits - deductedUnits) / f : null;
    const grade = total === null ? null : gradeFor(scheme, total);

    const controls = input.controlItems.map((control): ControlResult => {
      const byExpert: Record<string, boolean | null> = {};
      for (const sheet of sheets) byExpert[sheet.expert] = sheet.controls[control.id] ?? null;
      const answers = Object.values(byExpert).filter((v): v is boolean => v !== null);
      const state = answers.includes(false) ? 'not-met' : answers.length > 0 ? 'met' : 'unconfirmed';
      return { id: control.id, label: control.label, state, byExpert };
    });
    const blockers =
      grade && scheme.gradesNeedingControls.includes(grade)
        ? controls.filter((c) => c.state !== 'met').map((c) => c.id)
        : [];
    const expertTotals: Record<string, number> = {};
    for (const s of sheets) {
      if (input.indicators.every((x) => s.points[x.slug] !== undefined)) {
        expertTotals[s.expert] = expertTotalUnits(scheme, input.indicators, s) / f;
      }
    }
    const totals = Object.values(expertTotals).map((t) => toUnits(t, f));
    return {
      baseId: base.id,
      name: base.name,
      city: base.city,
      category: base.category,
      experts,
      indicators,
      groups,
      scored: scoredUnits / f,
      bonusRaw: bonusRawUnits / f,
      bonus: bonusUnits / f,
      deductions,
      total,
      grade,
      controls,
      blockers,
      missing: sheets.length === 0 ? [] : missing,
      rank: { province: null, city: null },
      comments: sheets.filter((s) => s.comment.trim()).map((s) => ({ expert: s.expert, text: s.comment.trim() })),
      expertTotals,
      totalSpread: totals.length >= 2 ? (Math.max(...totals) - Math.min(...totals)) / f : null,
    };
  });
  assignRanks(results);
  return results;
}

/** One expert's own total for a base (scored groups + capped bonus, no deductions), in units. */
function expertTotalUnits(scheme: ScoringScheme, indicators: readonly Indicator[], sheet: ExpertBaseScores): number {
  const f = unitsOf(scheme);
  let scored = 0;
  let bonus = 0;
  for (const x of indicators) {
    const v = toUnits(Math.min(sheet.points[x.slug] ?? 0, x.points), f);
    if (x.bonus) bonus += v;
    else scored += v;
  }
  return scored + Math.min(bonus, toUnits(scheme.bonus.cap, f));
}

/** Standard competition ranks (1, 2, 2, 4) by total, highest first; bases without a total are not ranked. */
function assignRanks(results: BaseResult[]): void {
  const rank = (list: BaseResult[], key: 'province' | 'city') => {
    const ranked = list.filter((r) => r.total !== null).sort((a, b) => (b.total ?? 0) - (a.total ?? 0));
    for (const [i, r] of ranked.entries()) {
      const prev = ranked[i - 1];
      r.rank[key] = prev && prev.total === r.total ? prev.rank[key] : i + 1;
    }
  };
  rank(results, 'province');
  const cities = new Set(results.map((r) => r.city));
  for (const city of cities)
    rank(
      results.filter((r) => r.city === city),
      'city',
    );
}

/** A base proposed for removal from the list or as a candidate to join it, with the facts that decide it. */
export interface AdjustmentEntry {
  baseId: string;
  name: string;
  city: string;
  category: string;
  total: number;
  grade: ReviewGrade;
  prior: PriorGrade;
  /** For candidates: the place among candidates (择优), 1 first. */
  order?: number;
  /** Why, in plain Chinese. */
  reason: string;
}

/** A base the rules could not decide for lack of an earlier grade, or blocked by control items. */
export interface AdjustmentGap {
  baseId: string;
  name: string;
  city: string;
  reason: string;
}

/** The list-adjustment proposal (一、(四)). */
export interface AdjustmentProposal {
  removals: AdjustmentEntry[];
  additions: AdjustmentEntry[];
  /** Bases that would qualify but for a missing earlier grade or an open control item: for staff to settle. */
  gaps: AdjustmentGap[];
}

/** Earlier grades in force: the round data's (Annex 4) unless staff entered one, which then wins. */
export function priorGrades(
  bases: readonly Base[],
  sinceYear: number,
  entered: readonly PriorGrade[],
): Map<string, PriorGrade> {
  const out = new Map<string, PriorGrade>();
  for (const base of bases) {
    if (base.grade2021 && sinceYear === 2021) {
      out.set(base.id, { baseId: base.id, year: 2021, grade: base.grade2021, source: 'round-data' });
    }
  }
  for (const p of entered) out.set(p.baseId, p);
  return out;
}

/**
 * The proposal: listed (provincial) bases graded D now and before, scoring below the scheme's low-score line →
 * removal; bases not on the list graded B or better now and before, no control item open → candidates, best total
 * first (ties: the city's own ranking in its 公函, then name).
 */
export function proposeAdjustment(input: {
  scheme: ScoringScheme;
  results: readonly BaseResult[];
  priors: ReadonlyMap<string, PriorGrade>;
  /** Each city's ranking of its recommended bases (base ids, best first), from the 公函. */
  cityRankings?: ReadonlyMap<string, readonly string[]>;
}): AdjustmentProposal {
  const { scheme } = input;
  const rule = scheme.adjustment;
  const removals: AdjustmentEntry[] = [];
  const additions: AdjustmentEntry[] = [];
  const gaps: AdjustmentGap[] = [];
  for (const r of input.results) {
    if (r.total === null || r.grade === null) continue;
    const prior = input.priors.get(r.baseId);
    const listed = r.category === 'provincial';
    if (listed) {
      if (r.grade !== rule.removal.grade) continue;
      if (!prior) {
        gaps.push({ ...who(r), reason: `本次评为${r.grade}，缺少${rule.sinceYear}年以来上一次评价等级` });
        continue;
      }
      if (prior.grade === rule.removal.grade && r.total < rule.removal.lowScoreBelow) {
        removals.push({
          ...who(r),
          category: r.category,
          total: r.total,
          grade: r.grade,
          prior,
          reason: `${prior.year}年度评为${prior.grade}，本次${fmt(r.total)}分评为${r.grade}，连续两年为${rule.removal.grade}且分数较低`,
        });
      }
      continue;
    }
    if (!atLeastGrade(r.grade, rule.addition.minGrade)) continue;
    if (!prior) {
      gaps.push({ ...who(r), reason: `本次评为${r.grade}，待录入往年等级（市商务局公函）` });
      continue;
    }
    if (!atLeastGrade(prior.grade, rule.addition.minGrade)) continue;
    if (r.blockers.length > 0) {
      gaps.push({
        ...who(r),
        reason: `连续两年${rule.addition.minGrade}以上，但控制项未确认：${r.blockers.join('、')}`,
      });
      continue;
    }
    additions.push({
      ...who(r),
      category: r.category,
      total: r.total,
      grade: r.grade,
      prior,
      reason: `${prior.year}年度评为${prior.grade}，本次${fmt(r.total)}分评为${r.grade}，连续两年${rule.addition.minGrade}以上`,
    });
  }
  const cityPlace = (a: AdjustmentEntry) => {
    const list = input.cityRankings?.get(a.city);
    const at = list ? list.indexOf(a.baseId) : -1;
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  additions.sort((a, b) => b.total - a.total || cityPlace(a) - cityPlace(b) || a.name.localeCompare(b.name, 'zh-CN'));
  const kept = rule.addition.maxCandidates === null ? additions : additions.slice(0, rule.addition.maxCandidates);
  for (const [i, a] of kept.entries()) a.order = i + 1;
  removals.sort((a, b) => a.total - b.total);
  return { removals, additions: kept, gaps };
}

function who(r: BaseResult): { baseId: string; name: string; city: string } {
  return { baseId: r.baseId, name: r.name, city: r.city };
}

function atLeastGrade(grade: ReviewGrade, floor: ReviewGrade): boolean {
  const order = reviewGradeSchema.options;
  return order.indexOf(grade) <= order.indexOf(floor);
}

/** A points figure as people write it: no trailing zeros (85, 74.5, 59.99). */
export function fmt(points: number): string {
  return String(Number(points.toFixed(4)));
}
