/**
 * What the review stage keeps: per expert, the sheets issued to them and the points imported from their workbooks
 * (one record per expert and round, written whole under a version so that two imports never interleave), and the
 * earlier grades staff entered from the cities' letters.
 */
import { z } from 'zod';
import { expertBaseScoresSchema, priorGradeSchema } from './review.ts';

/** A workbook an expert returned, kept as a file (blob) with what it brought. */
export const reviewWorkbookSchema = z.object({
  sha256: z.string(),
  fileName: z.string(),
  blobKey: z.string(),
  importedAt: z.string(),
  importedBy: z.string(),
  /** Bases the workbook scored. */
  bases: z.array(z.string()),
});
/** A returned workbook. */
export type ReviewWorkbook = z.infer<typeof reviewWorkbookSchema>;

/** One expert's part of the review of a round. */
export const expertRecordSchema = z.object({
  roundId: z.string(),
  expert: z.string().min(1),
  /** The sheets last issued: when, by whom, for which bases; null when the expert's points came without them. */
  issued: z.object({ at: z.string(), by: z.string(), bases: z.array(z.string()) }).nullable(),
  /** Base id → the expert's points for it (the latest import wins per base). */
  scores: z.record(z.string(), expertBaseScoresSchema),
  workbooks: z.array(reviewWorkbookSchema),
  /** Raised on every write; a write names the version it read (conditional put). */
  version: z.number().int().min(1),
  updatedAt: z.string(),
});
/** An expert's record. */
export type ExpertRecord = z.infer<typeof expertRecordSchema>;

/** An earlier grade as stored (staff entries; the round data's come from bases.json). */
export const storedPriorGradeSchema = priorGradeSchema.extend({ roundId: z.string() });
/** A stored earlier grade. */
export type StoredPriorGrade = z.infer<typeof storedPriorGradeSchema>;

/** A deduction staff make by hand (三(一): 数据不实 and the like); `active: false` takes it back. */
export const storedDeductionSchema = z.object({
  roundId: z.string(),
  id: z.string(),
  baseId: z.string(),
  points: z.number().positive(),
  reason: z.string().min(1),
  active: z.boolean(),
  actor: z.string(),
  at: z.string(),
});
/** A stored manual deduction. */
export type StoredDeduction = z.infer<typeof storedDeductionSchema>;

/** An objection raised during the 公示 (二、(三)) and, once the experts reconsidered it (复议), its outcome. */
export const objectionSchema = z.object({
  roundId: z.string(),
  id: z.string(),
  /** The base it is about (null: about the list as a whole). */
  baseId: z.string().nullable(),
  /** Who raised it (a unit with its seal, or a person with name and contact), as staff recorded it. */
  raisedBy: z.string().min(1),
  /** Day it arrived (YYYY-MM-DD, Beijing). */
  receivedOn: z.string(),
  summary: z.string().min(1),
  outcome: z
    .object({
      decision: z.enum(['upheld', 'rejected']),
      note: z.string().min(1),
      decidedOn: z.string(),
      actor: z.string(),
    })
    .nullable(),
  actor: z.string(),
  at: z.string(),
});
/** An objection. */
export type Objection = z.infer<typeof objectionSchema>;
