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

/** A one-page PDF with a line of text, built here (no file to ship): what `warmUp` reads. */
function tinyPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    '<< /Length 37 >>\nstream\nBT /F1 12 Tf 10 50 Td (warm up) Tj ET\nendstream',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * Loads what the parsers load on first use (pdf.js and its worker module, SheetJS), so that a task's memory budget
 * is spent on its file, not on compiling code: the pool measures memory from the moment the worker is ready.
 */
export async function warmUp(): Promise<void> {
  await firstPageText(tinyPdf()).catch(() => null);
  const csv = Buffer.from('项目,数值\n基地建筑面积,1\n');
  await parseReportForm(csv, { formHeader: [], formItems: [] }, { fileName: 'warm-up.csv', ocr: false }).catch(
    () => null,
  );
}
