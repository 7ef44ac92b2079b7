import type { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFPageProxy, TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { type OcrOptions, ocrPdf } from '../../ocr.ts';
import { pdfjsAssets } from '../../pdfjs-assets.ts';
import { type Grid, GridBuilder, MAX_COLUMNS, MAX_ROWS, type SourceRead } from '../model.ts';

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
/**
 * Rule crossings tested per page at most while finding tables (a form page needs a few thousand); a page past it
 * is read by line.
 */
const MAX_RULE_CROSSINGS = 1_000_000;
/** Rules this close (pt) across their length are one rule, and table boundaries this close are one boundary. */
const ALIGN_TOLERANCE = 2;
/** Collinear rules whose ends are this close (pt) join; a rule reaches this far to meet a crossing rule. */
const JOIN_TOLERANCE = 2;
/** Lines of text outside tables at most this many font sizes apart (baseline to baseline) may be one paragraph. */
const PARAGRAPH_LEADING_EM = 1.6;
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
  problem: 'not-pdf' | 'encrypted' | 'corrupt' | 'timeout' | 'too-large' | 'scanned' | 'ocr-pending' | 'garbled';
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

/**
 * A straight rule of a page (a table border), in PDF user space: `at` is a vertical rule's x or a horizontal
 * rule's y, `from` and `to` its extent along the other axis.
 */
interface Segment {
  at: number;
  from: number;
  to: number;
}

/** The rules of a page. */
interface Rules {
  vertical: Segment[];
  horizontal: Segment[];
}

/** A row of a page's `第N页` grid: a table row or a line of text outside tables. */
interface PageRow {
  /** Cell texts by column (from 1). */
  cells: Map<number, string>;
  /** Columns covered by a merged cell whose text is in another column or an earlier row. */
  covered: number[];
}

/** A page brought to rows: `rows` for `第N页`, `running` for `第N页（连续文本）`. */
interface PageText {
  rows: PageRow[];
  running: string[];
  /** True when the page has a ruled table (its rows are table rows, not only lines of text). */
  ruled: boolean;
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
  const extracted = await extractPages(data, {
    maxPages,
    maxTextItems: opts.maxTextItems ?? PDF_MAX_TEXT_ITEMS,
    timeoutMs: opts.timeoutMs ?? PDF_READ_TIMEOUT_MS,
  });
  if ('problem' in extracted) return extracted;

  const text = extracted.texts.flatMap((page) => page.rows.flatMap((row) => [...row.cells.values()])).join('');
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
  extracted.texts.forEach((text, index) => {
    const page = `第${index + 1}页`;
    // A page without a table is text in paragraphs: its lines are a spare reading (hidden: read only for blanks
    // the paragraphs leave unread), since a line cuts a sentence that wraps. Neither is a table with columns.
    const cells = new GridBuilder(page, 'pdf-lines', !text.ruled, !text.ruled);
    const running = new GridBuilder(`${page}（连续文本）`, 'pdf-lines', false, true);
    text.rows.forEach((row, r) => {
      for (const [col, cell] of row.cells) cells.set(r + 1, col, cell);
      for (const col of row.covered) cells.cover(r + 1, col);
    });
    text.running.forEach((line, r) => {
      running.set(r + 1, 1, line);
    });
    grids.push(cells.build(), running.build());
  });
  return { grids, format: 'pdf', pages: extracted.pages, pagesRead: extracted.texts.length };
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
  if (outcome.kind === 'deferred') return { problem: 'ocr-pending', detail: `no text layer; ${outcome.detail}` };
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

type Extracted = { texts: PageText[]; pages: number } | PdfProblem;

/** The text of the first pages, by table cell and line; bounded by pages, text items and time. */
async function extractPages(
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
    const texts: PageText[] = [];
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
      const textItems = content.items.filter((item): item is TextItem => 'str' in item && item.str.trim() !== '');
      // A page without text (a scanned page) needs no rules: its images are not decoded for nothing.
      const rules = textItems.length > 0 ? await Promise.race([pageRules(page, pdfjs.OPS), timedOut]) : NO_RULES;
      page.cleanup();
      if (rules === 'timeout') return timeout;
      texts.push(pageText(textItems, rules));
    }
    if (Date.now() > deadline) return timeout;
    return { texts, pages: doc.numPages };
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

const NO_RULES: Rules = { vertical: [], horizontal: [] };

/**
 * The rules drawn on a page (table borders), in PDF user space: every vertical and horizontal segment of a stroked
 * path (lines, and the four edges of each rectangle: `re` + `S` is how many exporters draw cell borders), and every
 * thin filled shape (Word draws borders as filled rectangles 0.5 pt wide). Clipping paths are not drawn. A page
 * whose operators cannot be listed has no rules; its lines are split by gaps alone.
 */
async function pageRules(page: PDFPageProxy, ops: typeof OPS): Promise<Rules> {
  let list: Awaited<ReturnType<PDFPageProxy['getOperatorList']>>;
  try {
    list = await page.getOperatorList();
  } catch {
    return NO_RULES;
  }
  const rules: Rules = { vertical: [], horizontal: [] };
  const strokes = new Set<number>([
    ops.stroke,
    ops.closeStroke,
    ops.fillStroke,
    ops.eoFillStroke,
    ops.closeFillStroke,
    ops.closeEOFillStroke,
  ]);
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const saved: Matrix[] = [];
  for (let i = 0; i < list.fnArray.length && rules.vertical.length + rules.horizontal.length < MAX_RULES; i++) {
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
      const paint = args[0] as number;
      const buffer = (args[1] as unknown[] | undefined)?.[0];
      if (paint === ops.endPath || !(buffer instanceof Float32Array)) continue;
      const stroked = strokes.has(paint);
      const filled = paint !== ops.stroke && paint !== ops.closeStroke;
      pathRules(buffer, ctm, { stroked, filled }, rules);
    }
  }
  return rules;
}

/** Drawing operators inside a pdf.js path buffer (pdf.js `DrawOPS`). */
const MOVE_TO = 0;
const LINE_TO = 1;
const CURVE_TO = 2;
const CLOSE_PATH = 3;

/**
 * Adds the rules of one path: its vertical and horizontal segments when stroked, its thin subpaths when filled.
 * Horizontal rules are kept from MIN_RULE_LENGTH on, like vertical ones.
 */
function pathRules(
  buffer: Float32Array,
  ctm: Matrix,
  paint: { stroked: boolean; filled: boolean },
  rules: Rules,
): void {
  let start: [number, number] = [0, 0];
  let current: [number, number] = [0, 0];
  let box = [Infinity, Infinity, -Infinity, -Infinity];
  const flushBox = () => {
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = box;
    if (paint.filled && x1 >= x0) {
      if (x1 - x0 <= THIN_RULE && y1 - y0 >= MIN_RULE_LENGTH)
        rules.vertical.push({ at: (x0 + x1) / 2, from: y0, to: y1 });
      else if (y1 - y0 <= THIN_RULE && x1 - x0 >= MIN_RULE_LENGTH) {
        rules.horizontal.push({ at: (y0 + y1) / 2, from: x0, to: x1 });
      }
    }
    box = [Infinity, Infinity, -Infinity, -Infinity];
  };
  const reach = (point: [number, number]) => {
    const [x, y] = point;
    box = [Math.min(box[0] ?? x, x), Math.min(box[1] ?? y, y), Math.max(box[2] ?? x, x), Math.max(box[3] ?? y, y)];
  };
  const segment = (from: [number, number], to: [number, number]) => {
    if (!paint.stroked) return;
    const [dx, dy] = [Math.abs(from[0] - to[0]), Math.abs(from[1] - to[1])];
    if (dx <= 0.5 && dy >= MIN_RULE_LENGTH) {
      rules.vertical.push({ at: (from[0] + to[0]) / 2, from: Math.min(from[1], to[1]), to: Math.max(from[1], to[1]) });
    } else if (dy <= 0.5 && dx >= MIN_RULE_LENGTH) {
      rules.horizontal.push({
        at: (from[1] + to[1]) / 2,
        from: Math.min(from[0], to[0]),
        to: Math.max(from[0], to[0]),
      });
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

/**
 * A page's text (see the module comment): the cells of its ruled tables and its lines outside them, as rows from
 * top to bottom, and its continuous text.
 */
function pageText(items: readonly TextItem[], rules: Rules): PageText {
  const pieces: Piece[] = [];
  for (const item of items) {
    if (item.str.trim() === '') continue;
    const [a = 0, b = 0, c = 0, d = 0, x = 0, y = 0] = item.transform as number[];
    // Upright text only: rotated or skewed runs are stamps, watermarks and margin notes.
    if (a <= 0 || d <= 0 || Math.abs(b) > 0.05 * a || Math.abs(c) > 0.05 * d) continue;
    pieces.push({ text: item.str, x, y, width: item.width, size: d || item.height || 1 });
  }
  const tables = findTables(rules);
  const outside: Piece[] = [];
  for (const piece of pieces) {
    const cell = cellOf(tables, piece);
    if (cell) cell.pieces.push(piece);
    else outside.push(piece);
  }
  const blocks: Block[] = [
    ...groupLines(outside).map((line) => lineBlock(line, rules.vertical)),
    ...tables.flatMap(tableBlocks),
  ].sort((p, q) => q.top - p.top);
  const rows = blocks.map(({ cells, covered }) => ({ cells, covered }));
  return { rows, running: runningText(blocks), ruled: tables.length > 0 };
}

/** A row of a page before it is numbered: its top (PDF y) and, for a line outside tables, the line's shape. */
interface Block extends PageRow {
  top: number;
  line?: LineShape;
}

/** Where a line of text stands: its left and right ends, baseline, font size and first character's width. */
interface LineShape {
  left: number;
  right: number;
  y: number;
  size: number;
  first: number;
}

/** Pieces grouped into lines, top to bottom (each line in no particular order). */
function groupLines(pieces: readonly Piece[]): Piece[][] {
  const sorted = [...pieces].sort((p, q) => q.y - p.y || p.x - q.x);
  const lines: Piece[][] = [];
  let anchor: Piece | undefined;
  for (const piece of sorted) {
    const line = lines[lines.length - 1];
    if (line && anchor && anchor.y - piece.y <= LINE_TOLERANCE_EM * Math.min(anchor.size, piece.size)) {
      line.push(piece);
    } else {
      lines.push([piece]);
      anchor = piece;
    }
  }
  return lines;
}

function shapeOf(line: readonly Piece[]): LineShape {
  let leftmost = line[0]!;
  let [right, y, size] = [-Infinity, -Infinity, 0];
  for (const piece of line) {
    if (piece.x < leftmost.x) leftmost = piece;
    right = Math.max(right, piece.x + piece.width);
    y = Math.max(y, piece.y);
    size = Math.max(size, piece.size);
  }
  return { left: leftmost.x, right, y, size, first: leftmost.width / Math.max(1, [...leftmost.text.trim()].length) };
}

/** A line outside tables as a row: its cells along it, split at gaps and vertical rules. */
function lineBlock(line: Piece[], vertical: readonly Segment[]): Block {
  const shape = shapeOf(line);
  const cells = new Map(lineCells(line, vertical).map((text, i) => [i + 1, text]));
  return { top: shape.y + shape.size, cells, covered: [], line: shape };
}

/** The cells of one line: runs joined while the gap between them is narrower than the cell gap. */
function lineCells(row: Piece[], vertical: readonly Segment[]): string[] {
  row.sort((p, q) => p.x - q.x);
  const cells: string[] = [];
  let current = '';
  let previous: Piece | undefined;
  for (const piece of row) {
    if (previous) {
      // Text printed twice at (nearly) one place, as some producers do for bold: once is enough.
      if (piece.text === previous.text && Math.abs(piece.x - previous.x) < 0.5 * piece.size) continue;
      const gap = piece.x - (previous.x + previous.width);
      const size = Math.max(piece.size, previous.size);
      if (gap > PDF_CELL_GAP_EM * size || ruledBetween(vertical, previous.x + previous.width, piece)) {
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

/** A row's cells, left to right, joined by a space. */
function rowText(block: PageRow): string {
  return [...block.cells.entries()]
    .sort((p, q) => p[0] - q[0])
    .map(([, text]) => text)
    .join(' ');
}

/**
 * The continuous text of a page with tables: a row per table row (its cells joined by a space) and per paragraph
 * outside tables. A line continues the paragraph above when both are single runs of one font size, it stands no
 * more than {@link PARAGRAPH_LEADING_EM} font sizes below, starts no further right (a first-line indent is allowed)
 * and the line above reaches the right edge of the page's text (it was wrapped, not ended).
 */
function runningText(blocks: readonly Block[]): string[] {
  const textRight = blocks.reduce((right, block) => Math.max(right, block.line?.right ?? -Infinity), -Infinity);
  const running: string[] = [];
  let paragraph: LineShape | undefined;
  for (const block of blocks) {
    const text = rowText(block);
    const line = block.cells.size === 1 ? block.line : undefined;
    if (line && paragraph && continues(paragraph, line, textRight)) {
      running[running.length - 1] = joinWrapped(running[running.length - 1]!, paragraph, text, line, textRight);
    } else {
      running.push(text);
    }
    paragraph = line;
  }
  return running;
}

function continues(above: LineShape, line: LineShape, textRight: number): boolean {
  const size = above.size;
  return (
    Math.abs(line.size - size) <= 0.15 * size &&
    above.y > line.y &&
    above.y - line.y <= PARAGRAPH_LEADING_EM * size &&
    above.right >= textRight - 2 * size &&
    line.left <= above.left + 0.5 * size &&
    line.left >= above.left - 3 * size
  );
}

/** The Latin token a line ends with or starts with (only the last or first characters are looked at). */
const TOKEN_END = /[\w@./:_%-]+$/;
const TOKEN_START = /^[\w@./:_%-]+/;
const TOKEN_LOOK = 64;
/** A token that breaks anywhere when it does not fit a line: an e-mail address, a URL, a number, a code. */
const UNBREAKABLE = /[@./:_\d-]/;

/**
 * Two lines of one cell or paragraph joined: CJK directly; Latin and digits with a space (the line was broken at a
 * word), unless the line above fills the width (the first character of the next line would not have fitted) and
 * the token around the break is an address, a number or a code (`sx9519@126.co` + `m`); after a hyphen or slash
 * directly.
 */
function joinWrapped(text: string, above: LineShape, next: string, line: LineShape, right: number): string {
  const [tail, head] = [text.slice(-TOKEN_LOOK), next.slice(0, TOKEN_LOOK)];
  if (!/[\w.,:;%)]$/.test(tail) || !/^[\w(]/.test(head)) return `${text}${next}`;
  const full = right - above.right < line.first + 0.1 * line.size;
  const token =
    UNBREAKABLE.test(TOKEN_END.exec(tail)?.[0] ?? '') || UNBREAKABLE.test(TOKEN_START.exec(head)?.[0] ?? '');
  return full && token ? `${text}${next}` : `${text} ${next}`;
}

/** A table's cells as rows: a row per table row where a cell starts with text, merged spans covered. */
function tableBlocks(table: Table): Block[] {
  const blocks = new Map<number, Block>();
  const spans: { row: number; lastRow: number; col: number; last: number }[] = [];
  for (const cell of table.cells) {
    const text = cellText(cell);
    const col = cell.col + 1;
    if (text === '' || col > MAX_COLUMNS) continue;
    const last = Math.min(cell.lastCol + 1, MAX_COLUMNS);
    let block = blocks.get(cell.row);
    if (!block) {
      block = { top: table.ys[cell.row]!, cells: new Map(), covered: [] };
      blocks.set(cell.row, block);
    }
    block.cells.set(col, text);
    for (let c = col + 1; c <= last; c++) block.covered.push(c);
    if (cell.lastRow > cell.row) spans.push({ row: cell.row, lastRow: cell.lastRow, col, last });
  }
  for (const span of spans) {
    for (let r = span.row + 1; r <= span.lastRow; r++) {
      const block = blocks.get(r);
      for (let c = span.col; block && c <= span.last; c++) block.covered.push(c);
    }
  }
  return [...blocks.values()];
}

/** The text of a table cell: its lines top to bottom, each line's runs joined by a space, joined as wrapped. */
function cellText(cell: TableCell): string {
  const lines = groupLines(cell.pieces)
    .map((pieces) => ({ text: lineCells(pieces, []).join(' '), shape: shapeOf(pieces) }))
    .filter((line) => line.text !== '');
  const [first, ...rest] = lines;
  if (!first) return '';
  // The text's right edge: the cell's right rule less the padding its text keeps from the left rule.
  const left = lines.reduce((min, line) => Math.min(min, line.shape.left), Infinity);
  const right = lines.reduce(
    (max, line) => Math.max(max, line.shape.right),
    cell.right - Math.max(0, left - cell.left),
  );
  let text = first.text;
  let above = first.shape;
  for (const line of rest) {
    text = joinWrapped(text, above, line.text, line.shape, right);
    above = line.shape;
  }
  return tidyCell(text);
}

/** A ruled table of a page: column boundaries (left to right), row boundaries (top to bottom) and cells. */
interface Table {
  xs: number[];
  ys: number[];
  /** The cell of each slot (a row × column of boundaries, row-major), undefined where the rules leave it open. */
  slots: (TableCell | undefined)[];
  cells: TableCell[];
}

/** A cell of a table: the slots it spans (from 0), its left and right rules, and the text items inside it. */
interface TableCell {
  row: number;
  col: number;
  lastRow: number;
  lastCol: number;
  left: number;
  right: number;
  pieces: Piece[];
}

/**
 * The ruled tables of a page: rules that cross or meet make a table when there are at least two of each direction
 * and they close at least two cells. Its columns and rows are between its rules' positions (positions within
 * {@link ALIGN_TOLERANCE} are one); a cell is the slots no rule separates, and a cell the rules leave open to the
 * table's edge is not a cell (its text is read by line).
 */
function findTables(rules: Rules): Table[] {
  const vertical = mergeRules(rules.vertical);
  const horizontal = mergeRules(rules.horizontal);
  if (vertical.length < 2 || horizontal.length < 2) return [];
  const groups = new UnionFind(vertical.length + horizontal.length);
  let crossings = 0;
  for (const [h, rule] of horizontal.entries()) {
    const from = firstIndex(vertical.length, (v) => vertical[v]!.at >= rule.from - JOIN_TOLERANCE);
    for (let v = from; v < vertical.length && vertical[v]!.at <= rule.to + JOIN_TOLERANCE; v++) {
      if (++crossings > MAX_RULE_CROSSINGS) return [];
      const other = vertical[v]!;
      if (rule.at >= other.from - JOIN_TOLERANCE && rule.at <= other.to + JOIN_TOLERANCE) {
        groups.union(v, vertical.length + h);
      }
    }
  }
  const members = new Map<number, Rules>();
  const memberOf = (root: number): Rules => {
    let group = members.get(root);
    if (!group) {
      group = { vertical: [], horizontal: [] };
      members.set(root, group);
    }
    return group;
  };
  for (const [v, rule] of vertical.entries()) memberOf(groups.find(v)).vertical.push(rule);
  for (const [h, rule] of horizontal.entries()) memberOf(groups.find(vertical.length + h)).horizontal.push(rule);
  const tables: Table[] = [];
  for (const group of members.values()) {
    if (group.vertical.length < 2 || group.horizontal.length < 2) continue;
    const table = tableOf(group);
    if (table) tables.push(table);
  }
  return tables;
}

/** Collinear rules that touch or overlap, joined (a table's borders come one cell edge at a time). */
function mergeRules(rules: readonly Segment[]): Segment[] {
  const sorted = [...rules].sort((p, q) => p.at - q.at);
  const merged: Segment[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.at - sorted[j - 1]!.at <= ALIGN_TOLERANCE / 2) j++;
    const line = sorted.slice(i, j).sort((p, q) => p.from - q.from);
    let run = { ...line[0]!, count: 1, sum: line[0]!.at };
    for (const rule of line.slice(1)) {
      if (rule.from <= run.to + JOIN_TOLERANCE) {
        run.to = Math.max(run.to, rule.to);
        run.count++;
        run.sum += rule.at;
      } else {
        merged.push({ at: run.sum / run.count, from: run.from, to: run.to });
        run = { ...rule, count: 1, sum: rule.at };
      }
    }
    merged.push({ at: run.sum / run.count, from: run.from, to: run.to });
    i = j;
  }
  return merged.sort((p, q) => p.at - q.at || p.from - q.from);
}

/** Positions within {@link ALIGN_TOLERANCE} of each other as one (their mean), ascending. */
function boundaries(positions: readonly number[]): number[] {
  const sorted = [...positions].sort((p, q) => p - q);
  const result: number[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j]! - sorted[j - 1]! <= ALIGN_TOLERANCE) j++;
    result.push(sorted.slice(i, j).reduce((sum, p) => sum + p, 0) / (j - i));
    i = j;
  }
  return result;
}

/** A table from one group of rules, or undefined when its rules close fewer than two cells or it is too large. */
function tableOf(group: Rules): Table | undefined {
  const xs = boundaries(group.vertical.map((rule) => rule.at));
  const ys = boundaries(group.horizontal.map((rule) => rule.at)).reverse();
  const columns = xs.length - 1;
  const rows = ys.length - 1;
  if (columns < 1 || rows < 1 || columns > MAX_COLUMNS || rows > MAX_ROWS) return undefined;
  const middleX = (c: number) => (xs[c]! + xs[c + 1]!) / 2;
  const middleY = (r: number) => (ys[r]! + ys[r + 1]!) / 2;
  // walls[r * (columns + 1) + c]: a rule on the left side of column c in row r (c = columns: the right side).
  const walls = new Uint8Array(rows * (columns + 1));
  for (const rule of group.vertical) {
    const c = nearest(xs, rule.at, 1);
    for (let r = firstIndex(rows, (k) => middleY(k) <= rule.to); r < rows && middleY(r) >= rule.from; r++) {
      walls[r * (columns + 1) + c] = 1;
    }
  }
  // floors[r * columns + c]: a rule on the top side of row r in column c (r = rows: the bottom side).
  const floors = new Uint8Array((rows + 1) * columns);
  for (const rule of group.horizontal) {
    const r = nearest(ys, rule.at, -1);
    for (let c = firstIndex(columns, (k) => middleX(k) >= rule.from); c < columns && middleX(c) <= rule.to; c++) {
      floors[r * columns + c] = 1;
    }
  }
  const slots = new UnionFind(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (c + 1 < columns && !walls[r * (columns + 1) + c + 1]) slots.union(r * columns + c, r * columns + c + 1);
      if (r + 1 < rows && !floors[(r + 1) * columns + c]) slots.union(r * columns + c, (r + 1) * columns + c);
    }
  }
  const regions = new Map<number, TableCell & { open: boolean }>();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const root = slots.find(r * columns + c);
      let region = regions.get(root);
      if (!region) {
        region = { row: r, col: c, lastRow: r, lastCol: c, left: 0, right: 0, pieces: [], open: false };
        regions.set(root, region);
      }
      region.col = Math.min(region.col, c);
      region.lastRow = Math.max(region.lastRow, r);
      region.lastCol = Math.max(region.lastCol, c);
      const open =
        (c === 0 && !walls[r * (columns + 1)]) ||
        (c === columns - 1 && !walls[r * (columns + 1) + columns]) ||
        (r === 0 && !floors[c]) ||
        (r === rows - 1 && !floors[rows * columns + c]);
      if (open) region.open = true;
    }
  }
  const cells: TableCell[] = [];
  const byRoot = new Map<number, TableCell>();
  for (const [root, { open, ...cell }] of regions) {
    if (open) continue;
    cell.left = xs[cell.col]!;
    cell.right = xs[cell.lastCol + 1]!;
    cells.push(cell);
    byRoot.set(root, cell);
  }
  if (cells.length < 2) return undefined;
  const table: Table = { xs, ys, slots: [], cells };
  for (let s = 0; s < rows * columns; s++) table.slots.push(byRoot.get(slots.find(s)));
  return table;
}

/** The table cell a piece of text stands in (by its first character), if any. */
function cellOf(tables: readonly Table[], piece: Piece): TableCell | undefined {
  const x = piece.x + Math.min(Math.max(piece.width, 0), piece.size) / 2;
  const y = piece.y + 0.3 * piece.size;
  for (const { xs, ys, slots } of tables) {
    const columns = xs.length - 1;
    const rows = ys.length - 1;
    if (x < xs[0]! || x > xs[columns]! || y > ys[0]! || y < ys[rows]!) continue;
    const c = Math.min(Math.max(firstIndex(xs.length, (k) => xs[k]! > x) - 1, 0), columns - 1);
    const r = Math.min(Math.max(firstIndex(ys.length, (k) => ys[k]! < y) - 1, 0), rows - 1);
    return slots[r * columns + c];
  }
  return undefined;
}

/** The first index in [0, n) where `test` holds (n when none), for a test false then true along the range. */
function firstIndex(n: number, test: (index: number) => boolean): number {
  let low = 0;
  let high = n;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The index of the value nearest to `value` in a sorted list (`order` 1: ascending, -1: descending). */
function nearest(values: readonly number[], value: number, order: 1 | -1): number {
  const i = firstIndex(values.length, (k) => order * values[k]! >= order * value);
  if (i === 0) return 0;
  if (i === values.length) return values.length - 1;
  return Math.abs(values[i]! - value) < Math.abs(values[i - 1]! - value) ? i : i - 1;
}

class UnionFind {
  private readonly parent: Int32Array;

  constructor(size: number) {
    this.parent = Int32Array.from({ length: size }, (_, i) => i);
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root]!;
    for (let j = i; this.parent[j] !== root; ) {
      const next = this.parent[j]!;
      this.parent[j] = root;
      j = next;
    }
    return root;
  }

  union(a: number, b: number): void {
    const [p, q] = [this.find(a), this.find(b)];
    if (p !== q) this.parent[Math.max(p, q)] = Math.min(p, q);
  }
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
function ruledBetween(vertical: readonly Segment[], left: number, piece: Piece): boolean {
  const middle = piece.y + 0.35 * piece.size;
  return vertical.some(
    (rule) => rule.at >= left - 0.5 && rule.at <= piece.x + 0.5 && rule.from <= middle && rule.to >= middle,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}
