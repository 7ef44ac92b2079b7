/** A PDF self-assessment: its text layer (bounded in pages and time), or OCR of a scan. */
import { type Finding, finding } from '../../domain/findings.ts';
import { OCR_PENDING_CODE, type OcrOptions, ocrPdf } from '../ocr.ts';
import { pdfjsAssets } from '../pdfjs-assets.ts';
import { analyse } from './analyse.ts';
import {
  MIN_TEXT_CHARS,
  PDF_TEXT_TIMEOUT_MS,
  type ReadSelfAssessmentOptions,
  SELF_ASSESSMENT_MAX_PAGES,
  type SelfAssessmentResult,
} from './model.ts';
import { emptyResult } from './sections.ts';

/** Reads a self-assessment PDF; every problem with the file becomes a finding, never an exception. */
export async function readSelfAssessment(
  data: Buffer,
  opts: ReadSelfAssessmentOptions = {},
): Promise<SelfAssessmentResult> {
  const where = opts.fileName ? { document: opts.fileName } : {};
  const maxPages = Math.max(1, Math.floor(opts.maxPages ?? SELF_ASSESSMENT_MAX_PAGES));
  const extracted = await extractPdfText(data, maxPages);
  if (extracted.kind !== 'ok') {
    return emptyResult([failureFinding(extracted.kind, where, extracted.detail)]);
  }

  const findings: Finding[] = [];
  if (extracted.total > maxPages) {
    findings.push(
      finding('report.truncated', `自评报告共${extracted.total}页，系统只读取了前${maxPages}页，其余页请人工查阅。`, {
        ...where,
        messageEn: `Only the first ${maxPages} of ${extracted.total} pages were read.`,
      }),
    );
  }
  const pageTexts = extracted.pages.map(stripPageNumberLines);
  const text = pageTexts.join('\n').trim();
  if (text.replace(/\s/g, '').length < MIN_TEXT_CHARS) {
    return readScan(data, extracted.total, text, where, findings, opts.ocr);
  }
  return analyse(
    { text, coverText: pageTexts.slice(0, 3).join('\n'), pages: extracted.total, format: 'pdf' },
    where,
    findings,
  );
}

/** A scan: its text recovered by OCR (here, or later by the ocr function), else a finding asking for manual review. */
async function readScan(
  data: Buffer,
  total: number,
  layerText: string,
  where: { document?: string },
  findings: Finding[],
  ocr: false | OcrOptions | undefined,
): Promise<SelfAssessmentResult> {
  const noText = (why: string) =>
    finding(
      'report.no-text',
      '自评报告没有可提取的文字（可能是扫描件或图片），系统无法核对封面、提纲和交易额，请人工核对。',
      { ...where, messageEn: `No text layer (scanned or image-only PDF); needs manual review. ${why}` },
    );
  if (ocr === false) return { ...emptyResult([...findings, noText('OCR disabled.')]), text: layerText, pages: total };
  const outcome = await ocrPdf(data, { pdf: pdfjsAssets(), ...ocr });
  if (outcome.kind === 'deferred') {
    // The ocr function reads it and replaces this finding with what it recognised.
    const pending = finding(
      OCR_PENDING_CODE,
      '自评报告为扫描件（没有可提取的文字），正在进行文字识别（OCR），完成后自动更新核对结果；若长时间未更新，请人工核对。',
      { ...where, messageEn: `No text layer: ${outcome.detail}.` },
    );
    return { ...emptyResult([...findings, pending]), text: layerText, pages: total };
  }
  if (outcome.kind !== 'ok') {
    return {
      ...emptyResult([...findings, noText(`OCR ${outcome.kind}: ${outcome.detail}`)]),
      text: layerText,
      pages: total,
    };
  }
  const text = outcome.pages.join('\n').trim();
  if (text.replace(/\s/g, '').length < MIN_TEXT_CHARS) {
    return { ...emptyResult([...findings, noText('OCR found no text either.')]), text: layerText, pages: total };
  }
  const read = outcome.pages.length;
  const partial = read < total || outcome.failedPages.length > 0;
  const unread = outcome.failedPages.length > 0 ? `，其中第${outcome.failedPages.join('、')}页识别失败` : '';
  findings.push(
    finding(
      'report.ocr',
      `自评报告为扫描件，文字由OCR识别，可能有误${read < total ? `（共${total}页，识别了前${read}页${unread}）` : unread ? `（${unread.slice(1)}）` : ''}；封面、提纲和交易额请以原件为准。`,
      {
        ...where,
        messageEn: `Text recognised by OCR from ${read} of ${total} page(s)${outcome.failedPages.length ? `, failed: ${outcome.failedPages.join(', ')}` : ''}.`,
      },
    ),
  );
  const pageTexts = outcome.pages.map(stripPageNumberLines);
  return analyse(
    { text, coverText: pageTexts.slice(0, 3).join('\n'), pages: total, format: 'pdf', ocr: true, partial },
    where,
    findings,
  );
}

type Extracted =
  | { kind: 'ok'; pages: string[]; total: number }
  | { kind: 'encrypted' | 'corrupt' | 'timeout'; detail: string };

async function extractPdfText(data: Buffer, maxPages: number): Promise<Extracted> {
  if (data.length === 0) return { kind: 'corrupt', detail: 'empty file' };
  // pdf.js loads on the first PDF read (a separate chunk in the Lambda bundles), not at start.
  const { PDFParse, VerbosityLevel } = await import('pdf-parse');
  // A copy: pdf.js takes ownership of (detaches) the array it is given, and the caller keeps its Buffer.
  const parser = new PDFParse({ data: new Uint8Array(data), verbosity: VerbosityLevel.ERRORS, ...pdfjsAssets() });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), PDF_TEXT_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([parser.getText({ first: maxPages, pageJoiner: '' }), timedOut]);
    if (result === 'timeout') return { kind: 'timeout', detail: `no text after ${PDF_TEXT_TIMEOUT_MS} ms` };
    return { kind: 'ok', pages: result.pages.map((page) => page.text), total: result.total };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: name === 'PasswordException' ? 'encrypted' : 'corrupt', detail };
  } finally {
    clearTimeout(timer);
    // Bounded too: a parser stuck in a broken file must not hold the caller after the timeout.
    await Promise.race([parser.destroy().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}

function failureFinding(kind: 'encrypted' | 'corrupt' | 'timeout', where: { document?: string }, detail: string) {
  switch (kind) {
    case 'encrypted':
      return finding('report.encrypted', '自评报告PDF设有打开密码，无法读取，请基地提交未加密的文件。', {
        ...where,
        messageEn: `Password-protected PDF (${detail}).`,
      });
    case 'timeout':
      return finding('report.timeout', '自评报告读取超时，系统未能核对其内容，请人工核对。', {
        ...where,
        messageEn: `Text extraction timed out (${detail}).`,
      });
    default:
      return finding('report.corrupt', '自评报告文件已损坏或不是有效的PDF，无法打开，请基地重新提交。', {
        ...where,
        messageEn: `Unreadable PDF (${detail}).`,
      });
  }
}

/** Drops a page number printed alone on the first or last line (- 3 -, 第3页, 3/12), so it cannot join a figure. */
function stripPageNumberLines(page: string): string {
  const lines = page.split('\n');
  const isPageNumber = (line: string) =>
    /^[\s\-—–·]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–·]*$/.test(line) &&
    /\d/.test(line);
  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  if (firstIndex >= 0 && isPageNumber(lines[firstIndex]!)) lines.splice(firstIndex, 1);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.trim() === '') continue;
    if (isPageNumber(lines[i]!)) lines.splice(i, 1);
    break;
  }
  return lines.join('\n');
}
