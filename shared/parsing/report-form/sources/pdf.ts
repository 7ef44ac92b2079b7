/**
 * A PDF report form (most often exported from Word, often stamped) brought to grids, page by page, from pdf.js's
 * text items and their positions: items on the same baseline (within half a font height) make a line, read left
 * to right; a line splits into cells where the gap between two items is wider than {@link PDF_CELL_GAP_EM} font
 * sizes (a table's column rule, or a blank's tab). Each page gives two grids, `第N页` (a row per line, a cell per
 * gap-separated run) and `第N页（连续文本）` (a row per line, the line's cells joined by a space in column 1), both
 * `pdf-lines`. A Word table cell that wraps gives several lines; the reader copes.
 *
 * Rotated and skewed text (diagonal stamps and watermarks) is left out. A PDF without a text layer (a scan, a
 * printed-and-stamped copy) is read by OCR where `ocr.ts` can run (`ocr-lines`, low confidence), else it is
 * `scanned`; text in fonts without a Unicode map (private-use characters) is `garbled`.
 *
 * The work is bounded by a page count, a text-item count and a timeout. pdf.js runs on the caller's thread here
 * (its "fake worker"): a hostile file can block the event loop between two checks, so the timeout only holds once
 * pdf.js yields. Moving the parsers into a worker thread is issue 15.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFPageProxy, TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { type OcrOptions, ocrPdf } from '../../ocr.ts';
import { type Grid, GridBuilder, type SourceRead } from '../model.ts';

/** Pages read at most: the form is 3-6 pages; a longer file is the form with annexes, or not the form. */
export const PDF_MAX_PAGES = 20;
/** Text items read at most over all pages; a Word-exported form page has a few hundred. */
export const PDF_MAX_TEXT_ITEMS = 50_000;
/** Upper bound on reading one PDF (see the module comment for what it cannot stop). */
export const PDF_READ_TIMEOUT_MS = 20_000;
/**
 * A horizontal gap between two items of a line wider than this many font sizes starts a new cell. Word's table
 * cells are padded 0.19 cm (about 0.5 em of 10.5 pt text) on each side, so neighbouring cells' texts stand at
 * least ~1 em apart and usually far more; words within a cell stand a space (0.25-0.3 em) apart.
 */
export const PDF_CELL_GAP_EM = 1.5;
/** Items whose baselines differ by at most this many font sizes are on one line. */
const LINE_TOLERANCE_EM = 0.5;
/** A gap wider than this many font sizes between two Latin runs of a cell is a space. */
const SPACE_GAP_EM = 0.15;
/** Below this many visible characters over the pages read, the PDF has no text layer. */
const MIN_TEXT_CHARS = 20;
/** Share of private-use, replacement and control characters beyond which the text is unreadable. */
const GARBLED_SHARE = 0.3;
/** A filled shape at most this wide (pt) is a rule; Word draws borders 0.5-1.5 pt wide. */
const THIN_RULE = 3;
/** A vertical rule is at least this long (pt): shorter marks are glyph parts, underlines, bullets. */
const MIN_RULE_LENGTH = 4;
/** Rules kept per page at most (a form page has a few hundred border segments). */
const MAX_RULES = 20_000;
/** How long destroying the document may take after a read (a stuck parser must not hold the caller). */
const DESTROY_TIMEOUT_MS = 1000;

/** Bounds of one read and the OCR settings; the defaults are the constants above. */
export interface ReadPdfOptions {
  maxPages?: number;
  maxTextItems?: number;
  timeoutMs?: number;
  /** OCR of a PDF without text: settings, or false to report it `scanned` (default: on where installed). */
  ocr?: false | OcrOptions;
}

/** A PDF read into grids, with how many of its pages were read. */
export interface PdfRead extends SourceRead {
  /** Pages in the document. */
  pages: number;
  /** Pages read (fewer than `pages` when a limit stopped the read). */
  pagesRead: number;
}

/** Why a PDF could not be read into grids. */
export interface PdfProblem {
  problem: 'not-pdf' | 'encrypted' | 'corrupt' | 'timeout' | 'too-large' | 'scanned' | 'garbled';
  detail: string;
}

/** One positioned run of text, in PDF user space (y grows upwards). */
interface Piece {
  text: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

/** A line of a page: its cells' texts, left to right. */
type Line = string[];

/** A vertical rule of a page (a table's column border), in PDF user space. */
interface Rule {
  x: number;
  y0: number;
  y1: number;
}

/** How far the magic-byte sniffer looks: PDF readers accept junk before `%PDF-` within the first 1 KiB. */
const MAGIC_WINDOW_BYTES = 1024;

/**
 * Reads a PDF into grids: per page read, `第N页` and `第N页（连续文本）` (`pdf-lines`), or for a scan read by OCR,
 * `第N页` (`ocr-lines`, `lowConfidence`). Never throws for bad input.
 */
export async function readPdfGrids(data: Buffer, opts: ReadPdfOptions = {}): Promise<PdfRead | PdfProblem> {
  if (!data.subarray(0, MAGIC_WINDOW_BYTES).includes('%PDF-', 0, 'latin1')) {
    return { problem: 'not-pdf', detail: 'no %PDF- header in the first KiB' };
  }
  const maxPages = Math.max(1, Math.floor(opts.maxPages ?? PDF_MAX_PAGES));
  const extracted = await extractLines(data, {
    maxPages,
    maxTextItems: opts.maxTextItems ?? PDF_MAX_TEXT_ITEMS,
    timeoutMs: opts.timeoutMs ?? PDF_READ_TIMEOUT_MS,
  });
  if ('problem' in extracted) return extracted;

  const text = extracted.lines.flat(2).join('');
  const visible = text.replace(/\s/g, '');
  if (visible.length < MIN_TEXT_CHARS) return readScan(data, maxPages, opts.ocr);
  const unreadable = visible.match(/[\uE000-\uF8FF\uFFFD\u0000-\u001F]/g)?.length ?? 0;
  if (unreadable / visible.length > GARBLED_SHARE) {
    return {
      problem: 'garbled',
      detail: `${unreadable} of ${visible.length} characters are private-use or unmapped (fonts without a Unicode map)`,
    };
  }

  const grids: Grid[] = [];
  extracted.lines.forEach((lines, index) => {
    const page = `第${index + 1}页`;
    const cells = new GridBuilder(page, 'pdf-lines');
    const running = new GridBuilder(`${page}（连续文本）`, 'pdf-lines');
    lines.forEach((line, row) => {
      line.forEach((cell, col) => {
        cells.set(row + 1, col + 1, cell);
      });
      running.set(row + 1, 1, line.join(' '));
    });
    grids.push(cells.build(), running.build());
  });
  return { grids, format: 'pdf', pages: extracted.pages, pagesRead: extracted.lines.length };
}

/** A PDF without a text layer: OCR's lines when it can run, else `scanned`. */
async function readScan(
  data: Buffer,
  maxPages: number,
  ocr: false | OcrOptions | undefined,
): Promise<PdfRead | PdfProblem> {
  const scanned = (why: string): PdfProblem => ({ problem: 'scanned', detail: `no text layer; ${why}` });
  if (ocr === false) return scanned('OCR disabled');
  const outcome = await ocrPdf(data, { pdf: pdfjsAssets(), maxPages, ...ocr });
  if (outcome.kind !== 'ok') return scanned(`OCR ${outcome.kind}: ${outcome.detail}`);
  if (outcome.pages.join('').replace(/\s/g, '').length < MIN_TEXT_CHARS) return scanned('OCR found no text either');
  const grids = outcome.pages.map((text, index) => {
    const grid = new GridBuilder(`第${index + 1}页`, 'ocr-lines');
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .forEach((line, row) => {
        grid.set(row + 1, 1, line);
      });
    return grid.build();
  });
  return { grids, format: 'ocr', lowConfidence: true, pages: outcome.total, pagesRead: outcome.pages.length };
}

type Extracted = { lines: Line[][]; pages: number } | PdfProblem;

/** The lines of the first pages, each a list of cell texts; bounded by pages, text items and time. */
async function extractLines(
  data: Buffer,
  bounds: { maxPages: number; maxTextItems: number; timeoutMs: number },
): Promise<Extracted> {
  const deadline = Date.now() + bounds.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, bounds.timeoutMs));
    timer.unref();
  });
  const timeout: PdfProblem = { problem: 'timeout', detail: `not read within ${bounds.timeoutMs} ms` };
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // A copy: pdf.js takes ownership of (detaches) the array it is given, and the caller keeps its Buffer.
  const task = pdfjs.getDocument({
    data: new Uint8Array(data),
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    isEvalSupported: false,
    ...pdfjsAssets(),
  });
  try {
    const doc = await Promise.race([task.promise, timedOut]);
    if (doc === 'timeout') return timeout;
    const lines: Line[][] = [];
    let items = 0;
    for (let number = 1; number <= Math.min(doc.numPages, bounds.maxPages); number++) {
      if (Date.now() > deadline) return timeout;
      const page = await Promise.race([doc.getPage(number), timedOut]);
      if (page === 'timeout') return timeout;
      const content = await Promise.race([page.getTextContent(), timedOut]);
      if (content === 'timeout') return timeout;
      items += content.items.length;
      if (items > bounds.maxTextItems) {
        page.cleanup();
        if (number === 1) {
          return { problem: 'too-large', detail: `page 1 has ${content.items.length} text items` };
        }
        break;
      }
      const texts = content.items.filter((item): item is TextItem => 'str' in item && item.str.trim() !== '');
      // A page without text (a scanned page) needs no rules: its images are not decoded for nothing.
      const rules = texts.length > 0 ? await Promise.race([pageRules(page, pdfjs.OPS), timedOut]) : [];
      page.cleanup();
      if (rules === 'timeout') return timeout;
      lines.push(pageLines(texts, rules));
    }
    if (Date.now() > deadline) return timeout;
    return { lines, pages: doc.numPages };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return { problem: name === 'PasswordException' ? 'encrypted' : 'corrupt', detail: describe(error) };
  } finally {
    clearTimeout(timer);
    await Promise.race([
      task.destroy().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, DESTROY_TIMEOUT_MS).unref()),
    ]);
  }
}

/**
 * The vertical rules drawn on a page (table borders), in PDF user space: every vertical segment of a stroked path,
 * and every thin filled shape (Word draws borders as filled rectangles 0.5 pt wide). Clipping paths are not drawn.
 * A page whose operators cannot be listed has no rules; its lines are split by gaps alone.
 */
async function pageRules(page: PDFPageProxy, ops: typeof OPS): Promise<Rule[]> {
  let list: Awaited<ReturnType<PDFPageProxy['getOperatorList']>>;
  try {
    list = await page.getOperatorList();
  } catch {
    return [];
  }
  const rules: Rule[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const saved: Matrix[] = [];
  for (let i = 0; i < list.fnArray.length && rules.length < MAX_RULES; i++) {
    const fn = list.fnArray[i];
    const args = list.argsArray[i] as unknown[] | null;
    if (fn === ops.save) saved.push(ctm);
    else if (fn === ops.restore) ctm = saved.pop() ?? ctm;
    else if (fn === ops.transform) ctm = multiply(ctm, args as Matrix);
    else if (fn === ops.paintFormXObjectBegin) {
      saved.push(ctm);
      if (Array.isArray(args?.[0]) || ArrayBuffer.isView(args?.[0])) ctm = multiply(ctm, args[0] as Matrix);
    } else if (fn === ops.paintFormXObjectEnd) ctm = saved.pop() ?? ctm;
    else if (fn === ops.constructPath && args) {
      const paint = args[0];
      const buffer = (args[1] as unknown[] | undefined)?.[0];
      if (paint === ops.endPath || !(buffer instanceof Float32Array)) continue;
      const stroked = paint === ops.stroke || paint === ops.closeStroke;
      pathRules(buffer, ctm, stroked, rules);
    }
  }
  return rules;
}

/** Drawing operators inside a pdf.js path buffer (pdf.js `DrawOPS`). */
const MOVE_TO = 0;
const LINE_TO = 1;
const CURVE_TO = 2;
const CLOSE_PATH = 3;

/** Adds the vertical rules of one path: its vertical segments when stroked, its thin subpaths when filled. */
function pathRules(buffer: Float32Array, ctm: Matrix, stroked: boolean, rules: Rule[]): void {
  let start: [number, number] = [0, 0];
  let current: [number, number] = [0, 0];
  let box = [Infinity, Infinity, -Infinity, -Infinity];
  const flushBox = () => {
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = box;
    if (!stroked && x1 - x0 <= THIN_RULE && y1 - y0 >= MIN_RULE_LENGTH) rules.push({ x: (x0 + x1) / 2, y0, y1 });
    box = [Infinity, Infinity, -Infinity, -Infinity];
  };
  const reach = (point: [number, number]) => {
    const [x, y] = point;
    box = [Math.min(box[0] ?? x, x), Math.min(box[1] ?? y, y), Math.max(box[2] ?? x, x), Math.max(box[3] ?? y, y)];
  };
  const segment = (from: [number, number], to: [number, number]) => {
    if (stroked && Math.abs(from[0] - to[0]) <= 0.5 && Math.abs(from[1] - to[1]) >= MIN_RULE_LENGTH) {
      rules.push({ x: (from[0] + to[0]) / 2, y0: Math.min(from[1], to[1]), y1: Math.max(from[1], to[1]) });
    }
  };
  for (let i = 0; i < buffer.length; ) {
    const op = buffer[i++];
    if (op === MOVE_TO) {
      flushBox();
      start = current = apply(ctm, buffer[i] ?? 0, buffer[i + 1] ?? 0);
      reach(current);
      i += 2;
    } else if (op === LINE_TO) {
      const next = apply(ctm, buffer[i] ?? 0, buffer[i + 1] ?? 0);
      segment(current, next);
      current = next;
      reach(current);
      i += 2;
    } else if (op === CURVE_TO) {
      current = apply(ctm, buffer[i + 4] ?? 0, buffer[i + 5] ?? 0);
      reach(current);
      i += 6;
    } else if (op === CLOSE_PATH) {
      segment(current, start);
      current = start;
    } else {
      break;
    }
  }
  flushBox();
}

type Matrix = [number, number, number, number, number, number];

function multiply(m: Matrix, n: ArrayLike<number>): Matrix {
  const [a, b, c, d, e, f] = m;
  const [p = 1, q = 0, r = 0, s = 1, t = 0, u = 0] = Array.from(n);
  return [a * p + c * q, b * p + d * q, a * r + c * s, b * r + d * s, a * t + c * u + e, b * t + d * u + f];
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** A page's text items grouped into lines (top to bottom) and cells (left to right, split at gaps and rules). */
function pageLines(items: readonly TextItem[], rules: readonly Rule[] = []): Line[] {
  const pieces: Piece[] = [];
  for (const item of items) {
    if (item.str.trim() === '') continue;
    const [a = 0, b = 0, c = 0, d = 0, x = 0, y = 0] = item.transform as number[];
    // Upright text only: rotated or skewed runs are stamps, watermarks and margin notes.
    if (a <= 0 || d <= 0 || Math.abs(b) > 0.05 * a || Math.abs(c) > 0.05 * d) continue;
    pieces.push({ text: item.str, x, y, width: item.width, size: d || item.height || 1 });
  }
  pieces.sort((p, q) => q.y - p.y || p.x - q.x);

  const rows: Piece[][] = [];
  let anchor: Piece | undefined;
  for (const piece of pieces) {
    const row = rows[rows.length - 1];
    if (row && anchor && anchor.y - piece.y <= LINE_TOLERANCE_EM * Math.min(anchor.size, piece.size)) {
      row.push(piece);
    } else {
      rows.push([piece]);
      anchor = piece;
    }
  }
  return rows.map((row) => lineCells(row, rules));
}

/** The cells of one line: runs joined while the gap between them is narrower than the cell gap. */
function lineCells(row: Piece[], rules: readonly Rule[]): Line {
  row.sort((p, q) => p.x - q.x);
  const cells: Line = [];
  let current = '';
  let previous: Piece | undefined;
  for (const piece of row) {
    if (previous) {
      // Text printed twice at (nearly) one place, as some producers do for bold: once is enough.
      if (piece.text === previous.text && Math.abs(piece.x - previous.x) < 0.5 * piece.size) continue;
      const gap = piece.x - (previous.x + previous.width);
      const size = Math.max(piece.size, previous.size);
      if (gap > PDF_CELL_GAP_EM * size || ruledBetween(rules, previous.x + previous.width, piece)) {
        cells.push(current.trim());
        current = piece.text;
      } else {
        const space = gap > SPACE_GAP_EM * size && /[\w.,:;%)]$/.test(current) && /^[\w(]/.test(piece.text);
        current += space ? ` ${piece.text}` : piece.text;
      }
    } else {
      current = piece.text;
    }
    previous = piece;
  }
  if (previous) cells.push(current.trim());
  return cells.map(tidyCell).filter((cell) => cell !== '');
}

/** CJK ideographs, CJK punctuation and full-width forms: text that is never spaced. */
const WIDE = '\\u3000-\\u303f\\u3400-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef';
const SPACED_WIDE = new RegExp(`(?<=[${WIDE}])\\s+(?=[${WIDE}])`, 'g');

/**
 * pdf.js puts a space wherever two glyphs stand more than 0.1 em apart: letter-spaced and justified Chinese text
 * comes out as `1 .直 播 电 商`. Spaces between two wide characters and before closing punctuation go; other runs
 * of spaces become one.
 */
function tidyCell(text: string): string {
  return text
    .replace(SPACED_WIDE, '')
    .replace(/\s+(?=[.,:;%)、，。：；）])/g, '')
    .replace(/\s{2,}/g, ' ');
}

/** Whether a vertical rule stands between the end of one run and the start of the next, across its text. */
function ruledBetween(rules: readonly Rule[], left: number, piece: Piece): boolean {
  const middle = piece.y + 0.35 * piece.size;
  return rules.some(
    (rule) => rule.x >= left - 0.5 && rule.x <= piece.x + 0.5 && rule.y0 <= middle && rule.y1 >= middle,
  );
}

let assets: { cMapUrl?: string; cMapPacked?: boolean; standardFontDataUrl?: string } | undefined;

/**
 * Where pdf.js finds its predefined CMaps (Chinese PDFs with non-embedded 宋体/黑体 extract as nothing without
 * them) and its standard fonts: beside pdf-parse's pdfjs-dist, or copied next to a Lambda bundle. The same lookup
 * as `self-assessment.ts` (which does not export it).
 */
function pdfjsAssets(): { cMapUrl?: string; cMapPacked?: boolean; standardFontDataUrl?: string } {
  if (assets) return assets;
  try {
    const fromPdfParse = createRequire(createRequire(import.meta.url).resolve('pdf-parse'));
    const root = dirname(fromPdfParse.resolve('pdfjs-dist/package.json'));
    assets = {
      cMapUrl: `${join(root, 'cmaps')}/`,
      cMapPacked: true,
      standardFontDataUrl: `${join(root, 'standard_fonts')}/`,
    };
  } catch {
    const beside = fileURLToPath(new URL('./pdfjs-dist/', import.meta.url));
    assets = existsSync(join(beside, 'cmaps'))
      ? {
          cMapUrl: `${join(beside, 'cmaps')}/`,
          cMapPacked: true,
          standardFontDataUrl: `${join(beside, 'standard_fonts')}/`,
        }
      : {};
  }
  return assets;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}
