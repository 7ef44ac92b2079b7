/**
 * A legacy Word report form (.doc, and WPS files saved in the same binary format) brought to one grid `正文`
 * through word-extractor, after the compound file's chains are checked (`inspectCfb`, as `word-text.ts` does).
 *
 * word-extractor gives the body as plain text: paragraphs end in a newline, every table cell ends in a tab, and a
 * table row ends in one more tab *without* a newline (Word stores a row's end as a second cell mark). So a table
 * whose cells hold one paragraph each comes out as a single line, `1. 面积\t0.52\t\t2. 人数\t30\t\t`. Each line is
 * one row, one cell per tab-separated part (empty parts keep their column, so positions follow the cell order);
 * a line that repeats the row-end signature (an empty part every n+1 parts, n ≥ 2, at least twice) is split into
 * rows of n cells. A cell with several paragraphs still breaks its row over lines. Check boxes are lost: form-field
 * check boxes come out as nothing, and symbol characters inserted from Wingdings come out as `(` (word-extractor
 * does not read the character properties that say which symbol it is).
 */
import { inspectCfb } from '../../word-text.ts';
import { type Grid, GridBuilder, type SourceRead } from '../model.ts';

/** Upper bound on reading one .doc, so a pathological file cannot stall the caller for long. */
export const DOC_READ_TIMEOUT_MS = 20_000;
/** Lines of text turned into rows at most; later ones are not read. */
export const MAX_DOC_ROWS = 20_000;
/** Cells of one row kept at most. */
export const MAX_DOC_COLUMNS = 100;
/** Fewest cells of a table row the row-end signature is looked for with (two: label and value). */
const MIN_TABLE_COLUMNS = 2;
/** Word's own limit on the columns of a table. */
const MAX_TABLE_COLUMNS = 63;

/** Bounds of one read; the defaults are the constants above. */
export interface DocLimits {
  timeoutMs?: number;
  maxRows?: number;
  maxColumns?: number;
}

/** Why a .doc could not be read. */
export interface DocProblem {
  problem: 'corrupt' | 'not-word' | 'encrypted' | 'timeout';
  detail: string;
}

const OLE_MAGIC = [0xd0cf11e0, 0xa1b11ae1] as const;
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');
/** FibBase flags: fEncrypted (RC4 or XOR with a password) and fObfuscated (XOR). */
const FIB_ENCRYPTED = 0x0100;
const FIB_OBFUSCATED = 0x8000;

/**
 * Reads a .doc into one grid `正文` (`word-text`): a row per line of text (table rows split where the row-end
 * signature shows), a cell per tab-separated part. Never throws for bad input.
 */
export async function readDocGrids(data: Buffer, limits: DocLimits = {}): Promise<SourceRead | DocProblem> {
  const ole = data.length >= 8 && data.readUInt32BE(0) === OLE_MAGIC[0] && data.readUInt32BE(4) === OLE_MAGIC[1];
  if (!ole) return { problem: 'not-word', detail: 'not an OLE2 compound file' };
  if (data.includes(ENCRYPTED_PACKAGE)) {
    return { problem: 'encrypted', detail: 'password-protected Office package (an EncryptedPackage stream)' };
  }
  // word-extractor follows sector chains without a cycle check (a loop would hang the process): check first.
  const container = inspectCfb(data);
  if (container.problem) return { problem: 'corrupt', detail: container.problem };
  if (!container.streams.includes('WordDocument')) {
    return { problem: 'not-word', detail: `streams: ${container.streams.slice(0, 8).join(', ')}` };
  }
  const flags = fibFlags(data);
  if (flags !== null && (flags & (FIB_ENCRYPTED | FIB_OBFUSCATED)) !== 0) {
    return { problem: 'encrypted', detail: 'the Word document is password-protected (FIB fEncrypted)' };
  }

  const timeoutMs = limits.timeoutMs ?? DOC_READ_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<DocProblem>((resolve) => {
    timer = setTimeout(() => resolve({ problem: 'timeout', detail: `no text after ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
  });
  try {
    const text = await Promise.race([extractText(data), timedOut]);
    if (typeof text !== 'string') return text;
    return { grids: [linesGrid(text, limits)], format: 'doc' };
  } catch (error) {
    const detail = describe(error);
    // A WordDocument stream that is not Word 97-2003 (Word 6/95, a WPS variant) is for a person to open.
    const notWord = /magic number|not seem to be a Word/i.test(detail);
    return { problem: notWord ? 'not-word' : 'corrupt', detail };
  } finally {
    clearTimeout(timer);
  }
}

async function extractText(data: Buffer): Promise<string> {
  const { default: WordExtractor } = await import('word-extractor');
  const document = await new WordExtractor().extract(data);
  const options = { filterUnicode: false };
  return [document.getBody(options), document.getTextboxes({ ...options, includeHeadersAndFooters: false })]
    .filter((part) => part.trim() !== '')
    .join('\n')
    .replace(/\r\n?/g, '\n');
}

/** The grid of word-extractor's text: rows from lines (and from table rows found in a line), cells from tabs. */
function linesGrid(text: string, limits: DocLimits): Grid {
  const maxRows = limits.maxRows ?? MAX_DOC_ROWS;
  const maxColumns = limits.maxColumns ?? MAX_DOC_COLUMNS;
  const grid = new GridBuilder('正文', 'word-text');
  let row = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    for (const cells of tableRows(line.split('\t'))) {
      if (cells.every((cell) => cell.trim() === '')) continue;
      if (++row > maxRows) return grid.build();
      cells.slice(0, maxColumns).forEach((cell, index) => {
        grid.set(row, index + 1, cell);
      });
    }
  }
  return grid.build();
}

/**
 * Splits the parts of one line into table rows where the row-end signature repeats: for the smallest n (2 to 63)
 * at which every (n+1)-th part is empty, at least twice, the line is rows of n cells (each row's empty row-end
 * part dropped), and what follows the last row end (the next paragraph, or the start of a row whose cell breaks
 * over lines) is a row of its own. Otherwise the line is one row.
 */
export function tableRows(parts: string[]): string[][] {
  // The tab that ends the last cell (or row) leaves one empty part at the end of the line: not a cell.
  const cells = parts.length > 1 && parts[parts.length - 1] === '' ? parts.slice(0, -1) : parts;
  const limit = Math.min(MAX_TABLE_COLUMNS, Math.floor((cells.length - 1) / 2));
  for (let n = MIN_TABLE_COLUMNS; n <= limit; n++) {
    const rowEnds: number[] = [];
    for (let end = n; end < cells.length; end += n + 1) rowEnds.push(end);
    if (rowEnds.length < 2 || rowEnds.some((end) => cells[end] !== '')) continue;
    const rows: string[][] = [];
    let start = 0;
    for (const end of rowEnds) {
      rows.push(cells.slice(start, end));
      start = end + 1;
    }
    if (start < cells.length) rows.push(cells.slice(start));
    return rows;
  }
  return [cells];
}

/**
 * The FibBase flags of the WordDocument stream (offset 0x0A of its first sector), or null when the stream cannot
 * be found that way (it lives in the mini stream, or the directory is unusual). The chains were checked by
 * `inspectCfb`; the walks below are bounded all the same.
 */
function fibFlags(data: Buffer): number | null {
  const sectorSize = 1 << data.readUInt16LE(0x1e);
  const sectors = Math.floor((data.length - sectorSize) / sectorSize);
  const sectorAt = (id: number) => (id + 1) * sectorSize;
  const fatSectors: number[] = [];
  const fatCount = data.readUInt32LE(0x2c);
  for (let i = 0; i < 109 && fatSectors.length < fatCount; i++) fatSectors.push(data.readInt32LE(0x4c + i * 4));
  let difat = data.readInt32LE(0x44);
  for (let hops = 0; fatSectors.length < fatCount && difat >= 0 && difat < sectors && hops < sectors; hops++) {
    const base = sectorAt(difat);
    for (let i = 0; i < sectorSize / 4 - 1 && fatSectors.length < fatCount; i++) {
      fatSectors.push(data.readInt32LE(base + i * 4));
    }
    difat = data.readInt32LE(base + sectorSize - 4);
  }
  const fatEntry = (id: number): number => {
    const fatSector = fatSectors[Math.floor((id * 4) / sectorSize)];
    if (fatSector === undefined || fatSector < 0 || fatSector >= sectors) return -2;
    return data.readInt32LE(sectorAt(fatSector) + ((id * 4) % sectorSize));
  };
  const cutoff = data.readUInt32LE(0x38);
  let directory = data.readInt32LE(0x30);
  for (let hops = 0; directory >= 0 && directory < sectors && hops < sectors; hops++) {
    for (let offset = sectorAt(directory); offset < sectorAt(directory) + sectorSize; offset += 128) {
      const nameBytes = Math.min(64, Math.max(0, data.readUInt16LE(offset + 64) - 2));
      if (
        data.readUInt8(offset + 66) !== 2 ||
        data.toString('utf16le', offset, offset + nameBytes) !== 'WordDocument'
      ) {
        continue;
      }
      const start = data.readInt32LE(offset + 116);
      const size = data.readUInt32LE(offset + 120);
      if (size < cutoff || start < 0 || start >= sectors) return null;
      return data.readUInt16LE(sectorAt(start) + 0x0a);
    }
    directory = fatEntry(directory);
  }
  return null;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}
