/**
 * The file readers as the intake calls them: each runs in the parser worker under its budget (pool.ts), and a
 * parse that overruns it gives a finding with a stable code and a plain Chinese message — the file is stored and
 * listed, only its content is not read. Never throws.
 */
import type { FindingCode } from '../../domain/finding-catalogue.ts';
import { type Finding, finding } from '../../domain/findings.ts';
import { ocrMode } from '../ocr.ts';
import type { ReportFormCatalogue, ReportFormResult } from '../report-form/reader.ts';
import { emptyResult } from '../self-assessment/sections.ts';
import type { SelfAssessmentResult } from '../self-assessment.ts';
import { type ParserBudget, parserBudget } from './limits.ts';
import { type Breach, runParser, type SandboxOutcome } from './pool.ts';

export { type ParserBudget, parserBudget } from './limits.ts';
export { PACKAGE_TOO_LARGE } from './package-check.ts';
export { closeParserWorker } from './pool.ts';

/** Stable codes of a parse ended by its budget. */
export const BREACH_CODES: Readonly<Record<Breach, FindingCode>> = {
  memory: 'file.memory-limit',
  time: 'file.time-limit',
  crash: 'file.reader-failed',
};

/** The finding for a parse that did not finish. */
export function breachFinding(outcome: Extract<SandboxOutcome<unknown>, { ok: false }>, fileName: string): Finding {
  const { budget } = outcome;
  const message =
    outcome.breach === 'memory'
      ? `文件“${fileName}”读取时所需内存超过${budget.memoryMb}MB的上限，已停止读取（文件已保存）。请核实文件是否正确；如为正常文件，请另存为新文件后重新发送，或由工作人员人工查阅。`
      : outcome.breach === 'time'
        ? `文件“${fileName}”读取超过${Math.round(budget.timeMs / 1000)}秒仍未完成，已停止读取（文件已保存）。请核实文件是否正确，或由工作人员人工查阅。`
        : `文件“${fileName}”读取程序出错，未能读取其内容（文件已保存），请由工作人员人工查阅。`;
  return finding(BREACH_CODES[outcome.breach], message, {
    document: fileName,
    messageEn: `Parser ${outcome.breach === 'crash' ? 'failed' : `over its ${outcome.breach} budget`}: ${outcome.detail}.`,
  });
}

/** A private copy of the bytes, handed over to the worker whole. */
function copy(data: Buffer): Uint8Array {
  return new Uint8Array(data);
}

/**
 * Reads the report form (any format) in the worker. `ocr: false` reads only a text layer: a scan is then not
 * recognised here (for sniffing files whose name says nothing, where OCR of every photo scan would cost minutes).
 */
export async function readReportForm(
  data: Buffer,
  form: ReportFormCatalogue,
  fileName: string,
  budget: ParserBudget = parserBudget(),
  options: { ocr?: boolean } = {},
): Promise<ReportFormResult> {
  const outcome = await runParser(
    'reportForm',
    {
      data: copy(data),
      fileName,
      form: { formHeader: form.formHeader, formItems: form.formItems },
      ocrMode: options.ocr === false ? 'off' : ocrMode(),
      limits: budget.package,
    },
    budget,
  );
  return outcome.ok ? outcome.output : { header: {}, values: [], findings: [breachFinding(outcome, fileName)] };
}

/** Reads a self-assessment (PDF or Word) in the worker. */
export async function readSelfAssessment(
  data: Buffer,
  fileName: string,
  budget: ParserBudget = parserBudget(),
): Promise<SelfAssessmentResult> {
  const outcome = await runParser(
    'selfAssessment',
    { data: copy(data), fileName, ocrMode: ocrMode(), limits: budget.package },
    budget,
  );
  return outcome.ok ? outcome.output : emptyResult([breachFinding(outcome, fileName)]);
}

/** The first page's text of a PDF or Word file (null when none), in the worker. */
export async function readFirstPage(
  data: Buffer,
  fileName: string,
  budget: ParserBudget = parserBudget(),
): Promise<{ text: string | null; findings: Finding[] }> {
  const outcome = await runParser('firstPage', { data: copy(data), fileName, limits: budget.package }, budget);
  return outcome.ok ? outcome.output : { text: null, findings: [breachFinding(outcome, fileName)] };
}

/** A workbook's sheet names and first rows, in the worker. */
export async function readSheetHeaders(
  data: Buffer,
  fileName: string,
  budget: ParserBudget = parserBudget(),
): Promise<{ headers: string[]; findings: Finding[] }> {
  const outcome = await runParser('sheetHeaders', { data: copy(data), fileName, limits: budget.package }, budget);
  return outcome.ok ? outcome.output : { headers: [], findings: [breachFinding(outcome, fileName)] };
}
