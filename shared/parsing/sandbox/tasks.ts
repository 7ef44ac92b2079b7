/**
 * What the parser worker can be asked to do: the file readers that open untrusted bytes with exceljs, SheetJS,
 * pdf.js or the Word readers. Each takes plain data (the bytes and cloneable options) and returns plain data, so it
 * can cross the thread boundary. Office packages are measured (package-check.ts) before they are opened.
 */
import type { Finding } from '../../domain/findings.ts';
import { firstPageText } from '../evidence/first-page.ts';
import type { OcrMode } from '../ocr.ts';
import { parseReportForm } from '../report-form/index.ts';
import type { ReportFormCatalogue, ReportFormResult } from '../report-form/reader.ts';
import { emptyResult, readSelfAssessmentFile, type SelfAssessmentResult } from '../self-assessment.ts';
import { readSheetHeaders } from '../sheet-headers.ts';
import type { PackageLimits } from './limits.ts';
import { checkPackage } from './package-check.ts';

/** Tells the pool that recognition of a scan has begun (it then allows the OCR time). */
export type OcrStarted = () => void;

export interface ParserTasks {
  reportForm(
    input: { data: Uint8Array; fileName: string; form: ReportFormCatalogue; ocrMode: OcrMode; limits: PackageLimits },
    ocrStarted: OcrStarted,
  ): Promise<ReportFormResult>;
  selfAssessment(
    input: { data: Uint8Array; fileName: string; ocrMode: OcrMode; limits: PackageLimits },
    ocrStarted: OcrStarted,
  ): Promise<SelfAssessmentResult>;
  firstPage(input: { data: Uint8Array; fileName: string; limits: PackageLimits }): Promise<{
    text: string | null;
    findings: Finding[];
  }>;
  sheetHeaders(input: { data: Uint8Array; fileName: string; limits: PackageLimits }): Promise<{
    headers: string[];
    findings: Finding[];
  }>;
}

export type TaskName = keyof ParserTasks;
export type TaskInput<T extends TaskName> = Parameters<ParserTasks[T]>[0];
export type TaskOutput<T extends TaskName> = Awaited<ReturnType<ParserTasks[T]>>;

function bytes(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export const parserTasks: ParserTasks = {
  async reportForm({ data, fileName, form, ocrMode, limits }, ocrStarted) {
    const content = bytes(data);
    const refused = await checkPackage(content, limits, fileName);
    if (refused) return { header: {}, values: [], findings: [refused] };
    return parseReportForm(content, form, { fileName, ocr: { mode: ocrMode, onStart: ocrStarted } });
  },
  async selfAssessment({ data, fileName, ocrMode, limits }, ocrStarted) {
    const content = bytes(data);
    const refused = await checkPackage(content, limits, fileName);
    if (refused) return refusedReport(refused);
    return readSelfAssessmentFile(content, fileName, { ocr: { mode: ocrMode, onStart: ocrStarted } });
  },
  async firstPage({ data, fileName, limits }) {
    const content = bytes(data);
    const refused = await checkPackage(content, limits, fileName);
    if (refused) return { text: null, findings: [refused] };
    return { text: await firstPageText(content), findings: [] };
  },
  async sheetHeaders({ data, fileName, limits }) {
    const content = bytes(data);
    const refused = await checkPackage(content, limits, fileName);
    if (refused) return { headers: [], findings: [refused] };
    return { headers: await readSheetHeaders(content), findings: [] };
  },
};

/** A self-assessment that was not read: nothing found in it, and why. */
export function refusedReport(why: Finding): SelfAssessmentResult {
  return emptyResult([why]);
}
