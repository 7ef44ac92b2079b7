/**
 * Findings: every problem with what a base sent becomes one, with a stable code, a severity, a plain Chinese
 * message and where it was found. Codes are part of the contract (tests, exports, notices rely on them); each is
 * in the catalogue (finding-catalogue.ts), which gives its severity, meaning and where it is shown.
 */
import { z } from 'zod';
import { FINDING_CATALOGUE, type FindingCode } from './finding-catalogue.ts';

export const severitySchema = z.enum(['error', 'warning', 'info']);
/** error = blocks completeness; warning = experts/staff should look; info = noted. */
export type Severity = z.infer<typeof severitySchema>;

export const findingSchema = z.object({
  /**
   * Stable code, e.g. form.value-conflict. Any well-formed code reads: a stored record may hold a code no longer
   * raised (RETIRED_FINDING_CODES) or one from a newer version.
   */
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

/** Builds a finding of a catalogued code, with the catalogue's severity; keeps call sites short and uniform. */
export function finding(
  code: FindingCode,
  message: string,
  where: Omit<Partial<Finding>, 'code' | 'severity' | 'message'> = {},
): Finding {
  const entry = FINDING_CATALOGUE[code];
  // Only a caller the compiler did not check (plain JavaScript, a cast) gets here with another code.
  if (!entry) throw new TypeError(`finding code not in the catalogue: ${code}`);
  return { code, severity: entry.severity, message, ...where };
}

/** A finding's identity for staff decisions (waive / re-open): code and location, not the wording. */
export function findingKey(f: Pick<Finding, 'code' | 'item' | 'indicator' | 'document'>): string {
  return [f.code, f.item ?? '', f.indicator ?? '', f.document ?? ''].join('|');
}
