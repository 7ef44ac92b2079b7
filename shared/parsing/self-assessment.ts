/**
 * The self-assessment report (附件3): what it says on its cover, which parts of the outline it has, and the GMV
 * figures it states, read from a PDF (text layer, or OCR of a scan) or a Word file; every problem with the file
 * becomes a finding, never an exception. This file is the module's public face; the parts live beside it in
 * self-assessment/: dispatch.ts (which reader), format.ts (magic bytes), pdf.ts (PDF text and scans), word.ts,
 * analyse.ts (what every format shares), sections.ts (the outline), cover.ts, figures.ts and model.ts (the result).
 */
export { analyseReportText } from './self-assessment/analyse.ts';
export { readSelfAssessmentFile } from './self-assessment/dispatch.ts';
export { findMoneyMentions, type MoneyMention, parseChineseAmount } from './self-assessment/figures.ts';
export { type DocumentFormat, sniffDocumentFormat } from './self-assessment/format.ts';
export {
  type CoverField,
  type Figure,
  PDF_TEXT_TIMEOUT_MS,
  type ReadSelfAssessmentOptions,
  SELF_ASSESSMENT_MAX_PAGES,
  type SectionPresence,
  type SelfAssessmentResult,
} from './self-assessment/model.ts';
export { readSelfAssessment } from './self-assessment/pdf.ts';
export { emptyResult } from './self-assessment/sections.ts';
export { readWordSelfAssessment } from './self-assessment/word.ts';
