import { PDFParse, VerbosityLevel } from 'pdf-parse';
import { type Finding, finding } from '../domain/findings.ts';
import { OCR_PENDING_CODE, type OcrOptions, ocrPdf } from './ocr.ts';
import { pdfjsAssets } from './pdfjs-assets.ts';
import { extractWordText, type WordText } from './word-text.ts';

/** Pages read at most; self-assessments run to 10-30 pages, the rest of a longer file is photos and annexes. */
export const SELF_ASSESSMENT_MAX_PAGES = 60;
/** Upper bound on text extraction, so one pathological PDF cannot stall the extract step. */
export const PDF_TEXT_TIMEOUT_MS = 20_000;
/** Below this many visible characters the file is treated as having no text layer (a scan). */
const MIN_TEXT_CHARS = 20;
/** How far the magic-byte sniffer looks: PDF readers accept junk before `%PDF-` within the first 1 KiB. */
const MAGIC_WINDOW_BYTES = 1024;
/** A Word file has no pages to take the cover from: the text before the outline, or this many characters. */
const WORD_COVER_CHARS = 1500;

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

interface SectionSpec {
  id: string;
  title: string;
  /** Chinese ordinal of the heading within its level (一 for 一、 and for （一）). */
  numeral: string;
  /** Wordings seen for the heading, most specific first. */
  names: string[];
}

const NUMERALS = ['一', '二', '三', '四', '五'] as const;

const SECTION_SPECS: SectionSpec[] = [
  { id: '1', title: '一、基地概况', numeral: '一', names: ['基地概况', '基本概况', '基地概述', '基地简介'] },
  { id: '1.1', title: '（一）基本情况', numeral: '一', names: ['基本情况'] },
  { id: '1.2', title: '（二）经营业绩', numeral: '二', names: ['经营业绩', '经营情况'] },
  { id: '1.3', title: '（三）市场定位', numeral: '三', names: ['市场定位'] },
  {
    id: '1.4',
    title: '（四）主要产品及服务',
    numeral: '四',
    names: ['主要产品及服务', '主要产品和服务', '主要产品与服务', '产品及服务', '产品和服务'],
  },
  { id: '2', title: '二、基地特色', numeral: '二', names: ['基地特色', '特色亮点'] },
  { id: '2.1', title: '（一）促融合', numeral: '一', names: ['促融合'] },
  { id: '2.2', title: '（二）促民生', numeral: '二', names: ['促民生'] },
  { id: '2.3', title: '（三）促发展', numeral: '三', names: ['促发展'] },
  { id: '2.4', title: '（四）促振兴', numeral: '四', names: ['促振兴'] },
  { id: '2.5', title: '（五）促环境', numeral: '五', names: ['促环境'] },
  { id: '3', title: '三、存在问题', numeral: '三', names: ['存在问题', '存在的问题', '问题与不足', '存在的不足'] },
  {
    id: '4',
    title: '四、下一步规划',
    numeral: '四',
    names: ['下一步规划', '下一步计划', '下一步打算', '下一步工作', '发展规划', '工作规划'],
  },
  {
    id: '5',
    title: '五、意见和建议',
    numeral: '五',
    names: ['意见和建议', '意见与建议', '意见及建议', '意见建议', '建议'],
  },
];

const COVER_LABELS: Record<CoverField, string[]> = {
  baseName: ['基地名称'],
  address: ['基地地址', '地址'],
  operator: ['运营单位', '运营机构', '运营主体', '运营企业'],
  contact: ['联系人'],
  phone: ['联系电话', '电话', '手机'],
  email: ['联系邮箱', '电子邮箱', '电子邮件', '邮箱', 'E-mail', 'Email'],
  reportDate: ['报告时间', '报告日期', '填报时间', '日期'],
};

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

/** What the analysis is given: text, the part the cover is read from, and where it came from. */
interface Extract {
  text: string;
  coverText: string;
  pages: number;
  format: 'pdf' | 'docx' | 'doc';
  ocr?: boolean;
  /** Only part of the document was read (OCR page limit): missing sections may lie in the rest. */
  partial?: boolean;
}

/** The common analysis of extracted text: garbled text, outline, figures; findings appended to `findings`. */
function analyse(extract: Extract, where: { document?: string }, findings: Finding[]): SelfAssessmentResult {
  const { text, pages, format } = extract;
  const marks = { format, ...(extract.ocr ? { ocr: true } : {}) };
  const visible = text.replace(/\s/g, '');
  if (visible.length < MIN_TEXT_CHARS) {
    findings.push(
      finding('report.no-text', '自评报告没有可提取的文字，系统无法核对封面、提纲和交易额，请人工核对。', {
        ...where,
        messageEn: `No text in the ${format} file; needs manual review.`,
      }),
    );
    return { ...emptyResult(findings), text, pages, ...marks };
  }
  if (countCjk(visible) < visible.length * 0.05) {
    findings.push(
      finding(
        'report.text-garbled',
        '自评报告的文字无法正确识别（可能是字体编码问题），系统无法核对提纲和交易额，请人工核对。',
        { ...where, messageEn: 'Extracted text has almost no Chinese characters (font without Unicode mapping?).' },
      ),
    );
    return { ...emptyResult(findings), text, pages, ...marks };
  }

  const analysis = analyseReportText(text, extract.coverText);
  for (const section of analysis.sections) {
    if (section.present || section.id.includes('.') || extract.partial) continue;
    findings.push(
      finding('report.section-missing', `自评报告缺少“${section.title}”部分（附件3提纲要求）。`, {
        ...where,
        messageEn: `Section ${section.id} (${section.title}) of the outline not found.`,
      }),
    );
  }
  if (!analysis.figures.gmv) {
    findings.push(
      finding('report.figure-missing', '自评报告中未找到基地交易额（应与报告表第32项一致），请人工核对。', {
        ...where,
        item: 32,
        indicator: 'gmv',
        messageEn: 'GMV (交易额) not found in the report.',
      }),
    );
  }
  if (!analysis.figures.shanxiGmv) {
    findings.push(
      finding('report.figure-missing', '自评报告中未找到带动山西产品交易额（应与报告表第33项一致），请人工核对。', {
        ...where,
        item: 33,
        indicator: 'shanxi-gmv',
        messageEn: 'Shanxi-products GMV not found in the report.',
      }),
    );
  }
  return { text, pages, ...marks, ...analysis, findings };
}

/**
 * Reads a self-assessment of any format, picked by magic bytes then extension: PDF and Word (.docx, .doc, WPS
 * files in Word's binary format) are read; other formats and files that are no Word document after all are
 * refused with a clear finding.
 */
export async function readSelfAssessmentFile(
  data: Buffer,
  fileName: string,
  opts: Omit<ReadSelfAssessmentOptions, 'fileName'> = {},
): Promise<SelfAssessmentResult> {
  const format = sniffDocumentFormat(data, fileName);
  if (format === 'pdf') return readSelfAssessment(data, { ...opts, fileName });
  if (format === 'word') return readWordSelfAssessment(data, fileName);
  return emptyResult([unsupported(fileName, `${shownExtension(fileName)}格式文件`, `format ${format}`)]);
}

/** Reads a .docx or .doc self-assessment into the same analysis as a PDF. */
export async function readWordSelfAssessment(data: Buffer, fileName: string): Promise<SelfAssessmentResult> {
  const where = { document: fileName };
  const extracted = await extractWordText(data);
  if (extracted.kind !== 'ok') return emptyResult([wordFailure(extracted, fileName)]);
  const text = extracted.text.trim();
  // The cover is what comes before the outline's first heading (the title repeats there).
  const outline = /(?:^|\n)\s*(?:一\s*[、.．]\s*)?基地(?:概况|基本概况|概述|简介)/.exec(text);
  const coverEnd = outline && outline.index > 0 ? outline.index : Math.min(text.length, WORD_COVER_CHARS);
  const pages = extracted.pages ?? 0;
  return analyse({ text, coverText: text.slice(0, coverEnd), pages, format: extracted.format }, where, []);
}

function wordFailure(failure: Exclude<WordText, { kind: 'ok' }>, fileName: string): Finding {
  const where = { document: fileName };
  const ext = extensionOf(fileName);
  switch (failure.kind) {
    case 'encrypted':
      return finding('report.encrypted', '自评报告Word文件设有打开密码，无法读取，请基地提交未加密的文件。', {
        ...where,
        messageEn: `Password-protected Word file (${failure.detail}).`,
      });
    case 'timeout':
      return finding('report.timeout', '自评报告读取超时，系统未能核对其内容，请人工核对。', {
        ...where,
        messageEn: `Word text extraction timed out (${failure.detail}).`,
      });
    case 'corrupt':
      return finding(
        'report.corrupt',
        '自评报告Word文件已损坏，无法打开，请基地重新保存后提交（建议同时提供PDF版本）。',
        { ...where, messageEn: `Unreadable ${failure.format} file (${failure.detail}).` },
      );
    default: {
      const what =
        ext === 'wps' ? 'WPS文字文档' : ext === 'rtf' ? 'RTF文档' : ext === 'odt' ? 'ODT文档' : 'Word/WPS文档';
      return unsupported(fileName, what, `${failure.format}: ${failure.detail}`, ext === 'wps');
    }
  }
}

function unsupported(fileName: string, what: string, detail: string, wps = false): Finding {
  const shown = shownExtension(fileName);
  const advice = wps ? '请基地用WPS“另存为”PDF或.docx格式后重新提交' : '建议基地同时提供PDF版本';
  return finding(
    'report.format-unsupported',
    `自评报告为${what}（${shown}），系统暂不能自动读取，请人工查阅；${advice}。`,
    {
      document: fileName,
      messageEn: `Self-assessment in unsupported format (${detail}, ${shown}).`,
    },
  );
}

function shownExtension(fileName: string): string {
  const ext = extensionOf(fileName);
  return ext ? `.${ext}` : '未知';
}

/** The container format of a document, from its first bytes, falling back to the extension. */
export type DocumentFormat = 'pdf' | 'word' | 'other';

/** Decides the format by magic bytes (`%PDF-` anywhere in the first KiB, OLE2, ZIP) and then by extension. */
export function sniffDocumentFormat(data: Buffer, fileName: string): DocumentFormat {
  const head = data.subarray(0, MAGIC_WINDOW_BYTES);
  if (head.includes('%PDF-', 0, 'latin1')) return 'pdf';
  const ext = extensionOf(fileName);
  const isOle = data.length >= 8 && data.readUInt32BE(0) === 0xd0cf11e0 && data.readUInt32BE(4) === 0xa1b11ae1;
  const isZip = data.length >= 4 && data.readUInt32BE(0) === 0x504b0304;
  if (['doc', 'docx', 'wps', 'docm', 'dot', 'dotx', 'rtf', 'odt'].includes(ext)) return 'word';
  // A misnamed Word file (报告.pdf that is really a .doc, or a nameless attachment) is still a Word file.
  if ((isOle || isZip) && (ext === 'pdf' || ext === '')) return 'word';
  if (ext === 'pdf') return 'pdf';
  return 'other';
}

// ---------------------------------------------------------------------------------------------------------------
// Text extraction

type Extracted =
  | { kind: 'ok'; pages: string[]; total: number }
  | { kind: 'encrypted' | 'corrupt' | 'timeout'; detail: string };

async function extractPdfText(data: Buffer, maxPages: number): Promise<Extracted> {
  if (data.length === 0) return { kind: 'corrupt', detail: 'empty file' };
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

/** A report nothing could be read from, with why (every section not found). */
export function emptyResult(findings: Finding[]): SelfAssessmentResult {
  return {
    text: '',
    pages: 0,
    cover: {},
    sections: SECTION_SPECS.map(({ id, title }) => ({ id, title, present: false })),
    figures: {},
    findings,
  };
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

function countCjk(text: string): number {
  return (text.match(/[\u3400-\u9fff]/g) ?? []).length;
}

function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

// ---------------------------------------------------------------------------------------------------------------
// Text analysis (pure)

/** Cover, outline and figures read from already-extracted report text; `coverText` is the first pages. */
export function analyseReportText(
  text: string,
  coverText: string = text,
): Pick<SelfAssessmentResult, 'cover' | 'sections' | 'figures'> {
  const compact = compactText(text);
  const located = locateSections(text, compact.text);
  const sections = SECTION_SPECS.map(({ id, title }) => ({ id, title, present: located.has(id) }));
  const cover = readCover(coverText);
  return { cover, sections, figures: readFigures(text, compact, located, cover.baseName) };
}

interface CompactText {
  /** NFKC text with whitespace removed (tabs become `|` so table cells do not run together). */
  text: string;
  /** For each UTF-16 index of `text`, the index in the source text. */
  map: number[];
}

/**
 * Folds full-width digits and punctuation (NFKC) and removes line breaks and spaces: PDF text breaks headings
 * and numbers across lines, and Chinese prose has no meaningful spaces. The full-width comma is kept as it is,
 * since it separates clauses far more often than thousands.
 */
function compactText(source: string): CompactText {
  let text = '';
  const map: number[] = [];
  let index = 0;
  for (const ch of source) {
    if (ch === '\t') {
      text += '|';
      map.push(index);
    } else if (!/\s/.test(ch)) {
      const folded = ch === '，' ? ch : ch.normalize('NFKC');
      for (let k = 0; k < folded.length; k++) map.push(index);
      text += folded;
    }
    index += ch.length;
  }
  return { text, map };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Finds outline headings; returns, per section id, where its heading starts in the compact text (-1 if only seen by line). */
function locateSections(source: string, compact: string): Map<string, number> {
  const found = new Map<string, number>();
  const lines = source.split('\n').map((line) => line.normalize('NFKC').replace(/\s/g, ''));
  for (const spec of SECTION_SPECS) {
    const sub = spec.id.includes('.');
    const names = spec.names.map(escapeRegExp).join('|');
    const arabic = String(NUMERALS.indexOf(spec.numeral as (typeof NUMERALS)[number]) + 1);
    // Numbered heading anywhere (survives line breaks inside it): 三、存在问题 / （三）市场定位 / 3.市场定位.
    const numbered = sub
      ? new RegExp(`(?:\\(${spec.numeral}\\)|(?<![\\d.])${arabic}[.、](?!\\d))(?:${names})`)
      : new RegExp(`(?:(?<![一二三四五六七八九十])${spec.numeral}[、.,:]|第${spec.numeral}部分[、.,:]?)(?:${names})`);
    const match = numbered.exec(compact);
    if (match) {
      found.set(spec.id, match.index);
      continue;
    }
    // Otherwise a short line that starts with the heading, whatever its numbering style.
    const longNames = spec.names.filter((name) => name.length >= 3).map(escapeRegExp);
    if (longNames.length === 0) continue;
    const lineHeading = new RegExp(
      `^(?:[(]?[一二三四五六七八九十\\d]{1,2}[)]?[、.,:]?|第[一二三四五六七八九十]部分[、.,:]?)?(?:${longNames.join('|')})`,
    );
    if (lines.some((line) => line.length <= 30 && lineHeading.test(line))) found.set(spec.id, -1);
  }
  return found;
}

// Cover ---------------------------------------------------------------------------------------------------------

function readCover(coverText: string): Partial<Record<CoverField, string>> {
  const labelToField = new Map<string, CoverField>();
  const alternatives: string[] = [];
  for (const [field, labels] of Object.entries(COVER_LABELS) as [CoverField, string[]][]) {
    for (const label of labels) {
      labelToField.set(label.toLowerCase(), field);
      alternatives.push(label);
    }
  }
  alternatives.sort((a, b) => b.length - a.length);
  // Labels are often letter-spaced (联 系 人：) and followed by a full- or half-width colon, or a table gap.
  const labelPattern = alternatives.map((label) => [...label].map(escapeRegExp).join('[ \\u3000]*')).join('|');
  const labelRe = new RegExp(`(${labelPattern})[ \\u3000]*(?:[:：]|\\t)`, 'gi');

  const cover: Partial<Record<CoverField, string>> = {};
  const lines = coverText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const matches = [...line.matchAll(labelRe)];
    for (let m = 0; m < matches.length; m++) {
      const match = matches[m]!;
      const field = labelToField.get(match[1]!.replace(/[ \u3000]/g, '').toLowerCase());
      if (!field || cover[field] !== undefined) continue;
      const end = matches[m + 1]?.index ?? line.length;
      let value = cleanCoverValue(line.slice(match.index + match[0].length, end));
      // Table-like covers put the value on the next line.
      const next = lines[i + 1];
      if (!value && m === matches.length - 1 && next !== undefined && !new RegExp(labelRe.source, 'i').test(next)) {
        value = cleanCoverValue(next);
      }
      if (field === 'reportDate' && !/[\d〇零一二三四五六七八九十]/.test(value)) continue;
      if (!value || value.length > 80) continue;
      cover[field] = field === 'phone' || field === 'email' ? value.normalize('NFKC').replace(/\s/g, '') : value;
    }
  }
  return cover;
}

function cleanCoverValue(value: string): string {
  return value
    .replace(/[_＿]{2,}/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[，。；,;]$/, '');
}

// Figures -------------------------------------------------------------------------------------------------------

const NUMERAL_CHARS = '零〇一二两三四五六七八九十百千万亿点';
const DIGIT_VALUES: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
/** A counter after 万/亿 means a count, not money (10万人, 1亿次). */
const NON_MONEY_AFTER = /^[人个件单场次间家名户位粉条套台张笔平米㎡小天年吨斤箱盒瓶株亩元]/;
const CLAUSE_BREAK = /[。；;！!？?，,|]/;

const GMV_STRONG = ['交易额', '交易总额', '交易金额', '成交额', '成交总额', '成交金额', '引导成交', 'gmv'];
const GMV_WEAK = ['销售额', '销售总额', '销售金额', '营业额', '销售', '带货', '带动'];
/** 山西产品, 山西特色农产品, 山西省名优产品, 晋品: the Shanxi-products figure (item 33). */
const SHANXI_MARKER = /山西省?[^|,，。;；]{0,6}?产品|晋品|本省产品|省内产品|本地产品/;
const TOTAL_MARKERS = ['累计', '全年', '年度', '报告期', '基地', '总'];
/** Figures in these contexts are parts, rates, other money or targets, not the year's total. */
const NOT_TOTAL_MARKERS = [
  '促销',
  '单场',
  '场均',
  '月均',
  '平均',
  '单日',
  '最高',
  '同比',
  '增长',
  '增加',
  '目标',
  '力争',
  '预计',
  '计划',
  '争取',
  '预期',
  '收入',
  '营收',
  '增收',
  '利润',
  '投资',
  '融资',
  '资金',
  '补贴',
  '缴税',
  '纳税',
];
/** A candidate needs at least a weak keyword in its own clause to count. */
const MIN_FIGURE_SCORE = 1;

/** A money amount found in compact text: value in 万元 and its span. */
export interface MoneyMention {
  /** Value in 万元. */
  value: number;
  start: number;
  end: number;
}

interface FigureCandidate extends MoneyMention {
  shanxi: boolean;
  score: number;
}

function readFigures(
  source: string,
  compact: CompactText,
  sections: Map<string, number>,
  baseName: string | undefined,
): { gmv?: Figure; shanxiGmv?: Figure } {
  // A base called 山西特色农产品直播基地 must not turn its own GMV into the Shanxi-products figure.
  const blankedName = baseName ? baseName.normalize('NFKC').replace(/\s/g, '') : '';
  const scanText =
    blankedName.length >= 4
      ? compact.text.split(blankedName).join('本基地'.padEnd(blankedName.length, '　'))
      : compact.text;
  const mentions = findMoneyMentions(compact.text);
  const performance = sectionSpan(sections, '1.2', compact.text.length);
  const candidates: FigureCandidate[] = [];
  mentions.forEach((mention, index) => {
    const floor = index > 0 ? mentions[index - 1]!.end : 0;
    const context = figureContext(scanText, mention, floor, mentions[index + 1]?.start);
    if (!context) return;
    const inPerformance = mention.start >= performance.start && mention.start < performance.end;
    const score = context.score + (inPerformance ? 1 : 0);
    if (score >= MIN_FIGURE_SCORE) candidates.push({ ...mention, shanxi: context.shanxi, score });
  });
  // Highest score wins; on a tie the first mention, which is where reports state their headline figures.
  const best = (shanxi: boolean) =>
    candidates
      .filter((c) => c.shanxi === shanxi)
      .reduce<FigureCandidate | undefined>((top, c) => (top === undefined || c.score > top.score ? c : top), undefined);
  const toFigure = (c: FigureCandidate | undefined): Figure | undefined => {
    if (!c) return undefined;
    const from = compact.map[c.start]!;
    const to = compact.map[c.end - 1]! + 1;
    return { value: c.value, raw: source.slice(from, to).replace(/\s*\n\s*/g, '') };
  };
  const gmv = toFigure(best(false));
  const shanxiGmv = toFigure(best(true));
  return { ...(gmv ? { gmv } : {}), ...(shanxiGmv ? { shanxiGmv } : {}) };
}

function sectionSpan(sections: Map<string, number>, id: string, length: number): { start: number; end: number } {
  const start = sections.get(id);
  if (start === undefined || start < 0) return { start: 0, end: 0 };
  const later = [...sections.values()].filter((pos) => pos > start);
  return { start, end: later.length ? Math.min(...later) : length };
}

/**
 * Scores a money mention by the words of its clause: which figure it states (GMV or Shanxi products), and how
 * much it reads like the year's total. Looks back to the clause start (one clause further if needed), and
 * forward for wordings like 实现1.2亿元交易额.
 */
function figureContext(
  text: string,
  mention: MoneyMention,
  floor: number,
  nextStart: number | undefined,
): { shanxi: boolean; score: number } | undefined {
  const clauseStart = (from: number) => {
    let i = from;
    while (i > floor && from - i < 40 && !CLAUSE_BREAK.test(text[i - 1]!)) i--;
    return i;
  };
  const start = clauseStart(mention.start);
  let before = text.slice(start, mention.start).toLowerCase();
  let score = 0;
  if (!hasAny(before, [...GMV_STRONG, ...GMV_WEAK]) && !SHANXI_MARKER.test(before) && start > floor) {
    before = text.slice(clauseStart(start - 1), mention.start).toLowerCase();
    score -= 1;
  }
  let afterEnd = mention.end;
  const afterLimit = Math.min(text.length, nextStart ?? text.length, mention.end + 12);
  while (afterEnd < afterLimit && !CLAUSE_BREAK.test(text[afterEnd]!)) afterEnd++;
  const after = text.slice(mention.end, afterEnd).toLowerCase();
  if (/^[%％]/.test(after)) return undefined;

  const shanxi = SHANXI_MARKER.test(before) || (SHANXI_MARKER.test(after) && !hasAny(before, GMV_STRONG));
  if (hasAny(before, GMV_STRONG)) score += 3;
  else if (hasAny(before, GMV_WEAK)) score += 1;
  else if (hasAny(after, GMV_STRONG)) score += 2;
  else if (shanxi)
    score += 1; // 其中山西产品5000多万元: the marker alone names the figure
  else return undefined;
  if (hasAny(before, TOTAL_MARKERS)) score += 1;
  if (hasAny(before, NOT_TOTAL_MARKERS) || hasAny(after, ['增长', '目标'])) score -= 3;
  return { shanxi, score };
}

function hasAny(text: string, words: string[]): boolean {
  return words.some((word) => text.includes(word));
}

/**
 * Finds money amounts in compact text: Arabic or Chinese numerals ending in 元, or in 万/亿 used as money
 * (1.2亿, 5600万). Returns values in 万元.
 */
export function findMoneyMentions(text: string): MoneyMention[] {
  const mentions: MoneyMention[] = [];
  const isNumeralChar = (ch: string | undefined) =>
    ch !== undefined && (/[0-9.]/.test(ch) || NUMERAL_CHARS.includes(ch));
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    let end: number;
    let numeralEnd: number;
    if (ch === '元') {
      end = i + 1;
      numeralEnd = i;
    } else if ((ch === '万' || ch === '亿') && !isNumeralChar(text[i + 1]) && text[i + 1] !== '元') {
      if (NON_MONEY_AFTER.test(text.slice(i + 1, i + 2))) continue;
      end = i + 1;
      numeralEnd = i + 1;
    } else {
      continue;
    }
    // Walk back over the numeral: digits, Chinese numerals, decimal points, 余/多 (approximations) and
    // thousands separators that sit between a digit and exactly three digits.
    let start = numeralEnd;
    while (start > 0) {
      const prev = text[start - 1]!;
      if (isNumeralChar(prev)) {
        start--;
      } else if ((prev === '余' || prev === '多') && isNumeralChar(text[start - 2])) {
        start--;
      } else if (
        (prev === ',' || prev === '，') &&
        /^\d{3}(?!\d)/.test(text.slice(start, start + 4)) &&
        /\d/.test(text[start - 2] ?? '')
      ) {
        start--;
      } else {
        break;
      }
    }
    let numeral = text.slice(start, numeralEnd);
    // 进一步投入500万元 -> 500万; 统一1亿 -> 1亿: prose before Arabic digits is not part of the number.
    const firstDigit = numeral.search(/\d/);
    if (firstDigit > 0) {
      start += firstDigit;
      numeral = numeral.slice(firstDigit);
    }
    const lead = numeral.match(/^[点.万亿]+/)?.[0].length ?? 0;
    start += lead;
    numeral = numeral.slice(lead);
    const yuan = parseChineseAmount(numeral.replace(/[,，余多]/g, ''));
    if (yuan === undefined || yuan <= 0) continue;
    mentions.push({ value: Math.round((yuan / 10_000) * 1e6) / 1e6, start, end });
  }
  return mentions;
}

/**
 * Parses a number written with Arabic digits, Chinese numerals or both (1.2亿, 一亿二千万, 1亿2000万, 5600万,
 * 一点二亿); returns undefined when it is not a number.
 */
export function parseChineseAmount(numeral: string): number | undefined {
  if (numeral === '') return undefined;
  for (const [unit, factor] of [
    ['亿', 1e8],
    ['万', 1e4],
  ] as const) {
    const at = numeral.indexOf(unit);
    if (at < 0) continue;
    if (at === 0) return undefined; // a bare 万 or 亿 is a unit, not a number
    const high = parseChineseAmount(numeral.slice(0, at));
    const rest = numeral.slice(at + 1);
    const low = rest === '' ? 0 : parseChineseAmount(rest);
    if (high === undefined || low === undefined) return undefined;
    // 一亿二 / 1亿2 mean 1.2亿 in speech, but nobody writes a report that way; 一亿二千万 is handled above.
    return high * factor + low;
  }
  return parseSmallNumber(numeral);
}

/** Below 万: Arabic (12, 1.2, 5600), Chinese (五千六百, 十二, 一点二) or mixed (5千). */
function parseSmallNumber(numeral: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(numeral)) return Number(numeral);
  const point = numeral.indexOf('点');
  if (point >= 0) {
    const whole = point === 0 ? 0 : parseSmallNumber(numeral.slice(0, point));
    const digits = [...numeral.slice(point + 1)].map((c) => DIGIT_VALUES[c]);
    if (whole === undefined || digits.length === 0 || digits.some((d) => d === undefined)) return undefined;
    return whole + Number(`0.${digits.join('')}`);
  }
  const tokens = numeral.match(/\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]/g) ?? [];
  if (tokens.join('') !== numeral) return undefined;
  let total = 0;
  let current: number | undefined;
  for (const token of tokens) {
    const factor = token === '十' ? 10 : token === '百' ? 100 : token === '千' ? 1000 : undefined;
    if (factor === undefined) {
      current = DIGIT_VALUES[token] ?? Number(token);
      continue;
    }
    total += (current ?? 1) * factor;
    current = undefined;
  }
  return total + (current ?? 0);
}
