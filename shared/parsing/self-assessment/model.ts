/** What a self-assessment read yields, its options and the limits every reader shares. */
import type { Finding } from '../../domain/findings.ts';
import type { OcrOptions } from '../ocr.ts';

/** Pages read at most; self-assessments run to 10-30 pages, the rest of a longer file is photos and annexes. */
export const SELF_ASSESSMENT_MAX_PAGES = 60;
/** Upper bound on text extraction, so one pathological PDF cannot stall the extract step. */
export const PDF_TEXT_TIMEOUT_MS = 20_000;
/** Below this many visible characters the file is treated as having no text layer (a scan). */
export const MIN_TEXT_CHARS = 20;

/** A cover field of the report, as the notice's 申报材料封面格式 lists them. */
export type CoverField = 'baseName' | 'address' | 'operator' | 'contact' | 'phone' | 'email' | 'reportDate';

/** A money figure stated in the report: value in 万元 (the notice's unit) and the text it was read from. */
export interface Figure {
  value: number;
  raw: string;
}

/** One heading of the 附件3 outline and whether the report has it. */
export interface SectionPresence {
  /** "1".."5" for the five parts, "1.1".."1.4" and "2.1".."2.5" for their sub-sections. */
  id: string;
  /** The heading as the outline writes it, e.g. 三、存在问题. */
  title: string;
  present: boolean;
}

/** Everything read from one self-assessment report. */
export interface SelfAssessmentResult {
  /** Extracted text of the pages read, or recognised by OCR (empty for unreadable files and unread scans). */
  text: string;
  /** Page count of the document (0 when it could not be opened, or when a Word file does not say). */
  pages: number;
  /** The format the text was read from, when it could be read. */
  format?: 'pdf' | 'docx' | 'doc';
  /** True when the text comes from OCR of a scan (it may contain misread characters). */
  ocr?: boolean;
  cover: Partial<Record<CoverField, string>>;
  sections: SectionPresence[];
  figures: { gmv?: Figure; shanxiGmv?: Figure };
  findings: Finding[];
}

/** Options of {@link readSelfAssessment}. */
export interface ReadSelfAssessmentOptions {
  /** File name, recorded on findings. */
  fileName?: string;
  /** Pages to read at most (default {@link SELF_ASSESSMENT_MAX_PAGES}). */
  maxPages?: number;
  /** OCR of scanned PDFs: settings, or false to leave scans to manual review (default: on, when installed). */
  ocr?: false | OcrOptions;
}
