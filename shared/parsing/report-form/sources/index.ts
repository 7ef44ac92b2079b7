/**
 * Which reader a file needs, decided by its bytes (bases rename files freely): an OOXML package (.xlsx or
 * .docx), a compound file (.xls, .doc, or an encrypted package), a PDF (text layer, or OCR of a scan where it
 * runs), a CSV/TSV text. What cannot be read becomes a finding with a stable code and a plain instruction, never
 * an exception.
 */
import { type Finding, finding } from '../../../domain/findings.ts';
import { OCR_PENDING_CODE, type OcrOptions } from '../../ocr.ts';
import { inspectCfb } from '../../word-text.ts';
import type { SourceRead } from '../model.ts';
import { ooxmlKind } from './docx.ts';
import { loadWorkbook, workbookGrids } from './xlsx.ts';

// The readers of the rarer formats load on first use: SheetJS's code pages (~800 KB), pdf.js and the Word readers
// would otherwise add about half a second to every cold start of the functions that read forms.
const sheetjs = () => import('./sheetjs.ts');

type Where = Pick<Finding, 'document'>;

const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

/** Reads a report-form file into grids, or says why it cannot. */
export async function readSource(
  data: Buffer,
  fileName: string | undefined,
  where: Where,
  ocr?: false | OcrOptions,
): Promise<SourceRead | Finding> {
  if (!Buffer.isBuffer(data) || data.length < 4) return unknownFormat(where, 'empty or truncated file');
  if (data[0] === 0x50 && data[1] === 0x4b) return readOoxml(data, where);
  if (OLE2_MAGIC.every((byte, i) => data[i] === byte)) return readCompound(data, where);
  if (data.subarray(0, 1024).includes('%PDF-')) return readPdf(data, where, ocr);
  if (looksLikeText(data, fileName)) {
    try {
      return { grids: (await sheetjs()).csvGrids(data, fileName ?? 'CSV'), format: 'csv' };
    } catch (cause) {
      return unreadable(where, cause);
    }
  }
  return unknownFormat(where, 'neither a workbook, a Word document, a PDF nor a CSV text');
}

async function readOoxml(data: Buffer, where: Where): Promise<SourceRead | Finding> {
  if ((await ooxmlKind(data).catch(() => 'other')) === 'docx') {
    const read = await (await import('./docx.ts')).readDocxGrids(data);
    return 'grids' in read ? read : problemFinding(where, read.problem, read.detail);
  }
  try {
    const workbook = await loadWorkbook(data);
    const grids = workbookGrids(workbook);
    if (grids.length === 0) return unreadable(where, 'no worksheet');
    return { grids, format: 'xlsx' };
  } catch (cause) {
    return unreadable(where, cause);
  }
}

async function readCompound(data: Buffer, where: Where): Promise<SourceRead | Finding> {
  if (data.includes(ENCRYPTED_PACKAGE)) {
    return finding('form.encrypted', '报告表设置了打开密码，系统无法读取。请取消密码后重新发送。', {
      ...where,
      messageEn: 'password-protected (encrypted) package',
    });
  }
  const container = inspectCfb(data);
  if (container.problem) return unreadable(where, container.problem);
  if (container.streams.some((s) => s === 'Workbook' || s === 'Book')) {
    try {
      return { grids: (await sheetjs()).xlsGrids(data), format: 'xls' };
    } catch (cause) {
      return unreadable(where, cause);
    }
  }
  if (container.streams.includes('WordDocument')) {
    const read = await (await import('./doc.ts')).readDocGrids(data);
    return 'grids' in read ? read : problemFinding(where, read.problem, read.detail);
  }
  return unknownFormat(where, `compound file with streams ${container.streams.slice(0, 6).join(', ')}`);
}

async function readPdf(data: Buffer, where: Where, ocr: false | OcrOptions | undefined): Promise<SourceRead | Finding> {
  const read = await (await import('./pdf.ts')).readPdfGrids(data, ocr === undefined ? {} : { ocr });
  if (!('grids' in read)) return problemFinding(where, read.problem, read.detail);
  if (read.pagesRead < read.pages) {
    // More pages than a form has: what was read stands, and staff learn the rest was not.
    return { ...read, note: `PDF 共${read.pages}页，只读取了前${read.pagesRead}页` };
  }
  return read;
}

/** A source's own word for why it could not read a file, as a finding. */
function problemFinding(where: Where, problem: string, detail: string): Finding {
  switch (problem) {
    case 'encrypted':
      return finding('form.encrypted', '报告表设置了打开密码，系统无法读取。请取消密码后重新发送。', {
        ...where,
        messageEn: `password-protected: ${detail.slice(0, 160)}`,
      });
    case 'scanned':
      return finding(
        'form.scanned',
        '报告表是扫描件（PDF中没有文字），系统无法识别其中的数据。请基地同时发送可编辑的 Word 或 Excel 报告表；盖章扫描件可作为附件一并发送。',
        { ...where, messageEn: `scanned PDF without a text layer and no OCR here: ${detail.slice(0, 160)}` },
      );
    case 'ocr-pending':
      // The ocr function reads the scan later and replaces this finding with what it recognised.
      return finding(
        OCR_PENDING_CODE,
        '报告表是扫描件（PDF中没有文字），正在进行文字识别（OCR），完成后自动更新；识别出的数值需人工核实。',
        { ...where, messageEn: `report form scanned: ${detail.slice(0, 160)}` },
      );
    case 'garbled':
      return finding(
        'form.garbled',
        '报告表 PDF 的文字无法正确提取（乱码），系统无法读取。请基地发送 Word 或 Excel 原件，或重新导出 PDF（嵌入字体）。',
        { ...where, messageEn: `PDF text is garbled: ${detail.slice(0, 160)}` },
      );
    case 'not-word':
    case 'not-pdf':
      return unknownFormat(where, detail);
    default:
      return unreadable(where, `${problem}: ${detail}`);
  }
}

/** Text with no NUL bytes in its first 4 KB that is named or shaped like a CSV/TSV export. */
function looksLikeText(data: Buffer, fileName: string | undefined): boolean {
  const head = data.subarray(0, 4096);
  if (head.includes(0) && !(head[0] === 0xff || head[0] === 0xfe)) return false;
  if (fileName && /\.(csv|tsv|txt)$/i.test(fileName)) return true;
  const text = head.toString('latin1');
  return /[,\t]/.test(text) && /\r?\n/.test(text);
}

function unknownFormat(where: Where, detail: string): Finding {
  return finding(
    'form.format-unknown',
    '报告表文件格式无法识别（不是 Excel、WPS、Word、PDF 或 CSV 文件），无法读取。请使用通知所附《经营服务情况报告表》填写，以 .xlsx 或 .docx 格式发送。',
    { ...where, messageEn: `not a readable report-form format: ${detail}` },
  );
}

/** The finding for a file that is a known format but cannot be read (corrupt, or the reader failed on it). */
export function unreadable(where: Where, cause: unknown): Finding {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return finding(
    'form.unreadable',
    '报告表文件已损坏或格式不规范，系统无法读取。请用 Excel、WPS 或 Word 打开后重新另存再发送。',
    { ...where, messageEn: `report form could not be read: ${detail.slice(0, 200)}` },
  );
}
