/**
 * Findings: every problem with what a base sent becomes one, with a stable code, a severity, a plain Chinese
 * message and where it was found. Codes are part of the contract (tests, exports, notices rely on them).
 */
import { z } from 'zod';

export const severitySchema = z.enum(['error', 'warning', 'info']);
/** error = blocks completeness; warning = experts/staff should look; info = noted. */
export type Severity = z.infer<typeof severitySchema>;

export const findingSchema = z.object({
  /** Stable code, e.g. form.item-missing. */
  code: z.string().regex(/^[a-z]+(\.[a-z0-9-]+)+$/),
  severity: severitySchema,
  /** Plain Chinese, for staff, bureaus and bases. */
  message: z.string().min(1),
  /** The same in English, for maintainers. */
  messageEn: z.string().optional(),
  /** Report-form item number, when the finding is about one. */
  item: z.number().int().optional(),
  /** Indicator slug, when the finding is about one. */
  indicator: z.string().optional(),
  /** File name of the document concerned. */
  document: z.string().optional(),
});
/** A recorded problem with a submission or a document. */
export type Finding = z.infer<typeof findingSchema>;

/** Builds a finding; keeps call sites short and the shape uniform. */
export function finding(
  code: string,
  severity: Severity,
  message: string,
  where: Omit<Partial<Finding>, 'code' | 'severity' | 'message'> = {},
): Finding {
  return { code, severity, message, ...where };
}

/** A finding's identity for staff decisions (waive / re-open): code and location, not the wording. */
export function findingKey(f: Pick<Finding, 'code' | 'item' | 'indicator' | 'document'>): string {
  return [f.code, f.item ?? '', f.indicator ?? '', f.document ?? ''].join('|');
}
