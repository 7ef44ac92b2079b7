/**
 * The scoring scheme of a round (附件1's closing rules and 一、(四), 三、(一)), as data: `rounds/<id>/scoring.json`,
 * checked by these schemas when the round loads. Per-indicator maximum points, level-1/level-2 groups and the bonus
 * flag stay in indicators.json; this file adds what the notice says about turning expert points into a result:
 * the level-1 groups and their 60 % rule, the bonus cap, the grade bands, the deduction policy for late and
 * incomplete packages (the notice says 「予以扣分」 without a number: staff set it, default none), how several
 * experts' points become one, and the rules of the list adjustment.
 *
 * No runtime import of catalogue.ts: catalogue.ts refers to this schema, and the two must not form a cycle.
 */
import { z } from 'zod';

/** A grade of the bands, A best. */
export const reviewGradeSchema = z.enum(['A', 'B', 'C', 'D']);
/** A grade (same letters as catalogue.ts `Grade`). */
export type ReviewGrade = z.infer<typeof reviewGradeSchema>;

/** A level-1 group of scored indicators (评分项) and the share of its points a base should exceed. */
export const scoringGroupSchema = z.object({
  /** 一级指标 exactly as indicators.json writes it, e.g. 承载能力. */
  level1: z.string().min(1),
  /** Points of the group as the notice prints them (36, 34, 15, 15); checked against the indicators' sum. */
  points: z.number().positive(),
});
/** A level-1 group. */
export type ScoringGroup = z.infer<typeof scoringGroupSchema>;

/** A grade band: a total at or above `min` (and below the next band's) gets `grade`. */
export const gradeBandSchema = z.object({ grade: reviewGradeSchema, min: z.number().min(0) });
/** A grade band. */
export type GradeBand = z.infer<typeof gradeBandSchema>;

/** One kind of deduction the notice names (三(一)); points 0 means none is made. */
export const deductionRuleSchema = z.object({
  /** Points taken per base that falls under the rule (0: none). */
  points: z.number().min(0).default(0),
  /** What a reader sees beside the deduction, e.g. 未按规定时限报送. */
  reason: z.string().min(1),
});
/** A deduction rule. */
export type DeductionRule = z.infer<typeof deductionRuleSchema>;

/** How several experts' points for one indicator become the base's points. */
export const aggregationSchema = z.enum(['mean', 'median', 'trimmed-mean']);
/** mean; median; trimmed-mean (the highest and the lowest left out when there are at least three). */
export type Aggregation = z.infer<typeof aggregationSchema>;

/** The scoring scheme of a round. */
export const scoringSchemeSchema = z.object({
  /** Scored groups (评分项), in the notice's order. */
  groups: z.array(scoringGroupSchema).min(1),
  /** A level-1 subtotal should exceed this share of its points (「应超过…60%」): strictly more, else flagged. */
  groupMinShare: z.number().min(0).max(1),
  /** 附加项: the level1 name of the bonus indicators and the cap on their sum (「最高得分不超过10分」). */
  bonus: z.object({ level1: z.string().min(1), cap: z.number().positive() }),
  /** Grade bands, any order; one must start at 0. */
  grades: z.array(gradeBandSchema).length(4),
  /** Grades that need every control item confirmed (a blocker is shown otherwise). */
  gradesNeedingControls: z.array(reviewGradeSchema),
  /** Deductions (三(一)); every one made is shown with its reason. */
  deductions: z.object({
    /** Some element arrived after the deadline (逾期提交). */
    late: deductionRuleSchema,
    /** Some element still missing at the review (材料不完整 / 截止仍缺). */
    incomplete: deductionRuleSchema,
  }),
  /** How several experts' points for an indicator are combined, and to how many decimals each result is rounded. */
  aggregation: aggregationSchema,
  decimals: z.number().int().min(0).max(4),
  /** The list adjustment (一、(四)). */
  adjustment: z.object({
    /** The earlier evaluation the rule counts from (2021: 「2021年以来连续两年」), taken from bases.json. */
    sinceYear: z.number().int(),
    /** Removal: a listed base graded `grade` now and in the earlier evaluation, and scoring below `lowScoreBelow`. */
    removal: z.object({ grade: reviewGradeSchema, lowScoreBelow: z.number().min(0) }),
    /** Addition: a base not on the list graded `minGrade` or better now and in the earlier evaluation. */
    addition: z.object({ minGrade: reviewGradeSchema, maxCandidates: z.number().int().positive().nullable() }),
    /** Days the public notice (公示) is open for objections. */
    objectionDays: z.number().int().positive(),
  }),
  /** Hints printed on the experts' sheets beside an indicator (e.g. the notice's own slip in a scale). */
  guidance: z.record(z.string(), z.string()).default({}),
});
/** A round's scoring scheme. */
export type ScoringScheme = z.infer<typeof scoringSchemeSchema>;

/** Points of a grade's band floor; throws when the scheme has no such band (the schema forbids that). */
export function bandFloor(scheme: ScoringScheme, grade: ReviewGrade): number {
  const band = scheme.grades.find((b) => b.grade === grade);
  if (!band) throw new Error(`scoring scheme has no band for grade ${grade}`);
  return band.min;
}

/** The grade a total earns: the band with the highest floor at or below it. */
export function gradeFor(scheme: ScoringScheme, total: number): ReviewGrade {
  const bands = [...scheme.grades].sort((a, b) => b.min - a.min);
  for (const band of bands) if (total >= band.min) return band.grade;
  return bands.at(-1)?.grade ?? 'D';
}

/** Grades from best to worst, for comparisons (`gradeRank('A') < gradeRank('B')`). */
export function gradeRank(grade: ReviewGrade): number {
  return reviewGradeSchema.options.indexOf(grade);
}

/** True when `grade` is `floor` or better. */
export function atLeast(grade: ReviewGrade, floor: ReviewGrade): boolean {
  return gradeRank(grade) <= gradeRank(floor);
}
