/**
 * A Word report form (.docx) brought to grids: every top-level table becomes a grid (`表1`, `表2`… in document
 * order; merged cells resolved to the table's grid columns, the cells a merge spans marked covered), and the
 * paragraphs outside tables become one grid `正文`, one row per non-empty paragraph. `word/document.xml` is read
 * as a stream through saxes (namespace-aware SAX), never buffered whole, and refused beyond a size limit.
 *
 * Tick boxes come out as the characters the reader knows, whichever way Word stored them: `☑` (checked), `☐`
 * (empty), `√` (a check mark), `×` — symbol characters (`w:sym`, or text in a Wingdings/Symbol run), content-control
 * check boxes (`w14:checkbox`) and legacy form-field check boxes (`FORMCHECKBOX`). Tracked deletions, moved-away
 * text, field codes, content controls still showing their placeholder and the fallback copy of drawings
 * (`mc:Fallback`) are left out; tracked insertions are kept. Headers, footers, footnotes and comments are not read.
 * A table nested in a cell is flattened into that cell: one line per nested row, its cells joined by a space.
 * Problems come back as a kind, never as an exception.
 */
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import yauzl from 'yauzl';
import { type Grid, GridBuilder, type SourceRead } from '../model.ts';

/**
 * Largest `word/document.xml` read, declared or actually expanded. A three-page form is about 100-300 KB of XML;
 * a 50-page report with tables under 5 MB. Beyond this the package is a zip bomb or not a form.
 */
export const MAX_DOCUMENT_XML_BYTES = 32 * 1024 * 1024;
/** Top-level tables turned into grids at most; later ones are not read. */
export const MAX_WORD_TABLES = 100;
/** Rows of one table read at most; later rows are not read. */
export const MAX_WORD_TABLE_ROWS = 2000;
/** Grid columns of a table read at most (Word itself allows 63). */
export const MAX_WORD_TABLE_COLUMNS = 64;
/** Paragraphs outside tables kept at most, in the `正文` grid. */
export const MAX_WORD_PARAGRAPHS = 20_000;

/** Bounds of one read; the defaults are the constants above. */
export interface DocxLimits {
  maxXmlBytes?: number;
  maxTables?: number;
  maxRows?: number;
  maxColumns?: number;
  maxParagraphs?: number;
}

/** Why a .docx could not be read. */
export interface DocxProblem {
  problem: 'corrupt' | 'not-word' | 'encrypted' | 'too-large';
  detail: string;
}

/** The OOXML package kinds {@link ooxmlKind} tells apart. */
export type OoxmlKind = 'docx' | 'xlsx' | 'other';

const ZIP_MAGIC = 0x504b0304;
const OLE_MAGIC = [0xd0cf11e0, 0xa1b11ae1] as const;
/** The stream a password-protected OOXML package is kept in, inside a CFB wrapper (UTF-16LE name). */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');
const DOCUMENT_PART = 'word/document.xml';
const WORKBOOK_PART = 'xl/workbook.xml';

/**
 * Which OOXML package the bytes are, from the zip's central directory alone (no part is expanded): `docx` when it
 * holds `word/document.xml` (also .docm, .dotx), `xlsx` when it holds `xl/workbook.xml` (also .xlsm), else
 * `other` (not a zip, a broken zip, another kind of package).
 */
export async function ooxmlKind(data: Buffer): Promise<OoxmlKind> {
  if (data.length < 4 || data.readUInt32BE(0) !== ZIP_MAGIC) return 'other';
  return new Promise((resolve) => {
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: false }, (error, zip) => {
      if (error || !zip) {
        resolve('other');
        return;
      }
      let settled = false;
      const finish = (kind: OoxmlKind) => {
        if (settled) return;
        settled = true;
        zip.close();
        resolve(kind);
      };
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName.toLowerCase();
        if (name === DOCUMENT_PART) finish('docx');
        else if (name === WORKBOOK_PART) finish('xlsx');
        else zip.readEntry();
      });
      zip.on('end', () => finish('other'));
      zip.on('error', () => finish('other'));
      zip.readEntry();
    });
  });
}

/**
 * Reads a .docx into grids: `表1`, `表2`… (`word-table`), then `正文` (`word-text`) when there is text outside
 * tables. Tables, rows, columns and paragraphs beyond the limits are left out; a `word/document.xml` larger than
 * `maxXmlBytes` (declared or expanded) is refused as `too-large`. Never throws for bad input.
 */
export async function readDocxGrids(data: Buffer, limits: DocxLimits = {}): Promise<SourceRead | DocxProblem> {
  if (data.length < 4 || data.readUInt32BE(0) !== ZIP_MAGIC) return notZip(data);
  const bounds = {
    maxXmlBytes: limits.maxXmlBytes ?? MAX_DOCUMENT_XML_BYTES,
    maxTables: limits.maxTables ?? MAX_WORD_TABLES,
    maxRows: limits.maxRows ?? MAX_WORD_TABLE_ROWS,
    maxColumns: limits.maxColumns ?? MAX_WORD_TABLE_COLUMNS,
    maxParagraphs: limits.maxParagraphs ?? MAX_WORD_PARAGRAPHS,
  };
  const reader = new DocumentReader(bounds);
  const parser = new SaxesParser({ xmlns: true, position: false });
  parser.on('opentag', (tag) => reader.open(tag));
  parser.on('closetag', (tag) => reader.close(tag));
  parser.on('text', (text) => reader.text(text));
  parser.on('cdata', (text) => reader.text(text));
  parser.on('error', (error) => {
    throw error;
  });
  const decoder = new StringDecoder('utf8');
  const streamed = await streamDocumentPart(data, bounds.maxXmlBytes, (chunk) => {
    parser.write(decoder.write(chunk));
  });
  if (streamed) return streamed;
  try {
    parser.write(decoder.end());
    parser.close();
  } catch (error) {
    return { problem: 'corrupt', detail: `word/document.xml: ${describe(error)}` };
  }
  return { grids: reader.grids(), format: 'docx' };
}

/** Bytes that are not a zip: an encrypted OOXML package, a legacy .doc, or something else. */
function notZip(data: Buffer): DocxProblem {
  const ole = data.length >= 8 && data.readUInt32BE(0) === OLE_MAGIC[0] && data.readUInt32BE(4) === OLE_MAGIC[1];
  if (ole && data.includes(ENCRYPTED_PACKAGE)) {
    return { problem: 'encrypted', detail: 'password-protected Office package (CFB with an EncryptedPackage stream)' };
  }
  if (ole) return { problem: 'not-word', detail: 'an OLE2 compound file (a legacy .doc or .xls), not a .docx' };
  return { problem: 'not-word', detail: 'not a zip package' };
}

/**
 * Streams `word/document.xml` into `sink`, chunk by chunk; resolves with null when the whole part was given to
 * it, or with why not. A sink that throws (the XML parser on malformed XML) stops the stream: `corrupt`.
 */
function streamDocumentPart(
  data: Buffer,
  maxBytes: number,
  sink: (chunk: Buffer) => void,
): Promise<DocxProblem | null> {
  return new Promise((resolve) => {
    // Sizes are checked here against the limit, not by yauzl against the declared size: a part that lies about
    // its size is read up to the limit and then refused.
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: false }, (error, zip) => {
      if (error || !zip) {
        resolve({ problem: 'corrupt', detail: `unreadable zip: ${describe(error)}` });
        return;
      }
      let settled = false;
      let parts = 0;
      let workbook = false;
      const finish = (outcome: DocxProblem | null) => {
        if (settled) return;
        settled = true;
        zip.close();
        resolve(outcome);
      };
      zip.on('entry', (entry: yauzl.Entry) => {
        parts++;
        const name = entry.fileName.toLowerCase();
        if (name === WORKBOOK_PART) workbook = true;
        if (name !== DOCUMENT_PART) {
          zip.readEntry();
          return;
        }
        if (entry.isEncrypted()) {
          finish({ problem: 'encrypted', detail: 'word/document.xml is encrypted in the zip' });
          return;
        }
        if (entry.uncompressedSize > maxBytes) {
          finish({
            problem: 'too-large',
            detail: `word/document.xml declares ${entry.uncompressedSize} bytes expanded (limit ${maxBytes})`,
          });
          return;
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) {
            finish({ problem: 'corrupt', detail: `word/document.xml: ${describe(streamError)}` });
            return;
          }
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            if (settled) return;
            size += chunk.length;
            if (size > maxBytes) {
              stream.destroy();
              finish({ problem: 'too-large', detail: `word/document.xml expands beyond ${maxBytes} bytes` });
              return;
            }
            try {
              sink(chunk);
            } catch (sinkError) {
              stream.destroy();
              finish({ problem: 'corrupt', detail: `word/document.xml: ${describe(sinkError)}` });
            }
          });
          stream.on('error', (streamFailure) =>
            finish({ problem: 'corrupt', detail: `word/document.xml: ${describe(streamFailure)}` }),
          );
          stream.on('end', () => finish(null));
        });
      });
      zip.on('end', () =>
        finish({
          problem: 'not-word',
          detail: workbook
            ? 'an .xlsx workbook (xl/workbook.xml), not a Word document'
            : `no word/document.xml among ${parts} parts`,
        }),
      );
      zip.on('error', (zipError: unknown) =>
        finish({ problem: 'corrupt', detail: `unreadable zip: ${describe(zipError)}` }),
      );
      zip.readEntry();
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Tick boxes stored as symbol-font characters

/** A checked box, an empty box, a check mark and a cross, as the reader reads them. */
const ON = '☑';
const OFF = '☐';
const CHECK = '√';
const CROSS = '×';

/** Wingdings: boxes, ballot boxes and check marks (code points of the font's 8-bit encoding). */
const WINGDINGS: ReadonlyMap<number, string> = new Map([
  [0x6e, ON], // ■ black square
  [0x6f, OFF], // □ white square
  [0x70, OFF], // bold white square
  [0x71, OFF], // ❑ shadowed white square
  [0x72, OFF], // ❒
  [0x78, ON], // ⌧ X in a rectangle
  [0xa1, OFF], // ○ white circle (an empty option)
  [0xa4, ON], // ◉ fisheye (a chosen option)
  [0xa8, OFF], // ◻ white medium square
  [0xfb, CROSS], // ✗ ballot script X
  [0xfc, CHECK], // ✔ heavy check mark
  [0xfd, ON], // ☒ ballot box with X
  [0xfe, ON], // ☑ ballot box with check
]);

/** Wingdings 2: the font Chinese forms take their boxes from (`R` ☑, `£` □, `P` ✓). */
const WINGDINGS_2: ReadonlyMap<number, string> = new Map([
  [0x4f, CROSS], // ✗ ballot script X
  [0x50, CHECK], // ✓ check mark
  [0x51, ON], // ballot box with script X
  [0x52, ON], // ☑ ballot box with check
  [0x53, ON], // ☒ ballot box with X
  [0x54, ON], // ☒ (bold)
  [0xa0, ON], // ■ black square
  [0xa2, ON], // ⬛ black large square
  [0xa3, OFF], // □ white large square
  [0xa8, ON], // ▣ square with a black square inside
]);

/** Symbol: the radical sign Word users take for a check mark, and the multiplication sign. */
const SYMBOL: ReadonlyMap<number, string> = new Map([
  [0xd6, CHECK], // √
  [0xb4, CROSS], // ×
]);

/** For a symbol character whose font is not given: the common codes of both Wingdings fonts. */
const ANY_SYMBOL_FONT: ReadonlyMap<number, string> = new Map([
  ...[0x51, 0x52, 0x53, 0x54, 0x78, 0xfd, 0xfe].map((code): [number, string] => [code, ON]),
  ...[0x6f, 0x70, 0x71, 0x72, 0xa1, 0xa3, 0xa8].map((code): [number, string] => [code, OFF]),
  [0x50, CHECK],
  [0xfc, CHECK],
]);

/** The symbol table of a font family, or null for a text font. */
function symbolTable(font: string | undefined): ReadonlyMap<number, string> | null {
  switch (font?.trim().toLowerCase()) {
    case 'wingdings':
      return WINGDINGS;
    case 'wingdings 2':
      return WINGDINGS_2;
    case 'symbol':
      return SYMBOL;
    case 'wingdings 3':
    case 'webdings':
      // Arrows and pictures: nothing a form ticks with.
      return new Map();
    default:
      return null;
  }
}

/** A symbol font's 8-bit code from a code point: `R`, or its private-use form U+F052 that Word also stores. */
function symbolCode(codePoint: number): number | null {
  if (codePoint >= 0xf000 && codePoint <= 0xf0ff) return codePoint - 0xf000;
  return codePoint <= 0xff ? codePoint : null;
}

/** The mark for `w:sym w:font w:char` (hex, `F052` or `52`, any case); empty for symbols that are not marks. */
function symMark(font: string | undefined, char: string | undefined): string {
  const codePoint = char && /^[0-9a-f]{1,4}$/i.test(char) ? Number.parseInt(char, 16) : Number.NaN;
  const code = Number.isNaN(codePoint) ? null : symbolCode(codePoint);
  if (code === null) return '';
  return (symbolTable(font) ?? ANY_SYMBOL_FONT).get(code) ?? '';
}

/**
 * Text of a run: in a symbol-font run, characters of the font's 8-bit range become marks (or nothing); private-use
 * characters U+F020-U+F0FF, which only symbol fonts draw, are mapped the same way in any run.
 */
function runText(text: string, table: ReadonlyMap<number, string> | null): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const privateUse = codePoint >= 0xf020 && codePoint <= 0xf0ff;
    if (!privateUse && (table === null || codePoint > 0xff || codePoint < 0x20)) {
      out += char;
      continue;
    }
    const code = symbolCode(codePoint);
    out += (code === null ? undefined : (table ?? ANY_SYMBOL_FONT).get(code)) ?? '';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The document walk

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const W_STRICT = 'http://purl.oclc.org/ooxml/wordprocessingml/main';
const W14 = 'http://schemas.microsoft.com/office/word/2010/wordml';
const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';

/** Elements whose whole content is left out. */
const SKIPPED = new Set([
  'w:del', // tracked deletion
  'w:moveFrom', // the old place of moved text
  'w:instrText', // field codes
  'w:delInstrText',
  'w:pPr', // paragraph properties (tab stops are w:tab too)
  'w:sectPr',
  'w:tblPr',
  'w:tblGrid',
  'w:rt', // ruby (phonetic guide) text
  'mc:Fallback', // the second copy of a drawing (VML text boxes repeat the DrawingML ones)
]);

/** A short name for an element: `w:tbl`, `w14:checkbox`, `mc:Fallback`; other vocabularies get `*:`. */
function nameOf(tag: { uri?: string; local?: string }): string {
  const local = tag.local ?? '';
  switch (tag.uri) {
    case W:
    case W_STRICT:
      return `w:${local}`;
    case W14:
      return `w14:${local}`;
    case MC:
      return `mc:${local}`;
    default:
      return `*:${local}`;
  }
}

/** An attribute by namespace and local name (`w:val`, `w14:val`). */
function attr(tag: SaxesTagNS, local: string, uri = W): string | undefined {
  for (const attribute of Object.values(tag.attributes)) {
    if (attribute.local === local && (attribute.uri === uri || (uri === W && attribute.uri === W_STRICT))) {
      return attribute.value;
    }
  }
  return undefined;
}

/** ST_OnOff: absent means on. */
function onOff(value: string | undefined): boolean {
  return value === undefined || /^(1|true|on)$/i.test(value);
}

interface Cell {
  col: number;
  span: number;
  vMerge: 'restart' | 'continue' | null;
  hMerge: 'restart' | 'continue' | null;
  paragraphs: string[];
}

interface Row {
  cells: Cell[];
  nextCol: number;
  deleted: boolean;
}

interface Table {
  rows: Row[];
  nested: boolean;
}

/** Where finished paragraphs go: the body, or the table cell being read. */
interface Container {
  paragraphs: string[];
}

/** A content control: a check box (and whether checked), or one showing its placeholder text. */
interface ContentControl {
  checkbox: boolean | null;
  placeholder: boolean;
  /** Whether its content's text is being left out (a check box's glyph, a placeholder). */
  suppressing: boolean;
}

interface Limits {
  maxTables: number;
  maxRows: number;
  maxColumns: number;
  maxParagraphs: number;
}

/** Walks the SAX events of `word/document.xml`, collecting tables and paragraphs. */
class DocumentReader {
  private readonly names: string[] = [];
  /** Depth in `names` of the element whose content is being skipped, or -1. */
  private skipFrom = -1;
  private readonly body: Container = { paragraphs: [] };
  private readonly containers: Container[] = [this.body];
  private readonly paragraphs: string[][] = [];
  private readonly tables: Table[] = [];
  private readonly rows: Row[] = [];
  private readonly cells: Cell[] = [];
  private readonly built: Grid[] = [];
  private tableCount = 0;
  private inText = false;
  /** The symbol table of the current run's font, or null. */
  private runSymbols: ReadonlyMap<number, string> | null = null;
  private readonly controls: ContentControl[] = [];
  /** Depth of content controls whose text is left out: check boxes (their glyph) and placeholders. */
  private glyphSuppressed = 0;
  /** A check box's mark given before its paragraph opened (a block-level content control). */
  private pendingMark = '';
  /** The legacy check-box form field being read: its default and checked states. */
  private formField: { checked: boolean | null; default: boolean } | null = null;

  constructor(private readonly limits: Limits) {}

  open(tag: SaxesTagNS): void {
    const name = nameOf(tag);
    const parent = this.names[this.names.length - 1];
    this.names.push(name);
    if (this.skipFrom >= 0) return;
    if (SKIPPED.has(name)) {
      // A deleted row is marked by w:del in its row properties; elsewhere w:del wraps deleted runs.
      if (name === 'w:del' && parent === 'w:trPr') {
        const row = this.rows[this.rows.length - 1];
        if (row) row.deleted = true;
      }
      if (!tag.isSelfClosing) this.skipFrom = this.names.length - 1;
      return;
    }
    switch (name) {
      case 'w:p':
        this.paragraphs.push(this.pendingMark ? [this.pendingMark] : []);
        this.pendingMark = '';
        return;
      case 'w:r':
        this.runSymbols = null;
        return;
      case 'w:rFonts':
        if (parent === 'w:rPr') {
          this.runSymbols = symbolTable(attr(tag, 'ascii')) ?? symbolTable(attr(tag, 'hAnsi'));
        }
        return;
      case 'w:t':
        this.inText = true;
        return;
      case 'w:tab':
      case 'w:ptab':
        if (parent === 'w:r') this.emit(' ');
        return;
      case 'w:br':
      case 'w:cr':
        if (parent === 'w:r') this.emit('\n');
        return;
      case 'w:noBreakHyphen':
        this.emit('-');
        return;
      case 'w:sym':
        this.emit(symMark(attr(tag, 'font'), attr(tag, 'char')));
        return;
      case 'w:sdt':
        this.controls.push({ checkbox: null, placeholder: false, suppressing: false });
        return;
      case 'w:showingPlcHdr': {
        const control = this.controls[this.controls.length - 1];
        if (control && parent === 'w:sdtPr') control.placeholder = onOff(attr(tag, 'val'));
        return;
      }
      case 'w14:checkbox': {
        const control = this.controls[this.controls.length - 1];
        if (control && control.checkbox === null) control.checkbox = false;
        return;
      }
      case 'w14:checked': {
        const control = this.controls[this.controls.length - 1];
        if (control) control.checkbox = onOff(attr(tag, 'val', W14));
        return;
      }
      case 'w:sdtContent': {
        // A check box's content is the glyph Word draws for it (☒, ☐): one mark stands for it. A control still
        // showing its placeholder (单击或点击此处输入文字) holds no value.
        const control = this.controls[this.controls.length - 1];
        if (!control || (control.checkbox === null && !control.placeholder)) return;
        if (control.checkbox !== null) {
          const mark = control.checkbox ? ON : OFF;
          if (this.paragraphs.length > 0) this.emit(mark);
          else this.pendingMark = mark;
        }
        control.suppressing = true;
        this.glyphSuppressed++;
        return;
      }
      case 'w:checkBox':
        if (parent === 'w:ffData') this.formField = { checked: null, default: false };
        return;
      case 'w:default':
        if (parent === 'w:checkBox' && this.formField) this.formField.default = onOff(attr(tag, 'val'));
        return;
      case 'w:checked':
        if (parent === 'w:checkBox' && this.formField) this.formField.checked = onOff(attr(tag, 'val'));
        return;
      case 'w:tbl':
        this.tables.push({ rows: [], nested: this.cells.length > 0 });
        return;
      case 'w:tr':
        this.rows.push({ cells: [], nextCol: 1, deleted: false });
        return;
      case 'w:gridBefore': {
        const row = this.rows[this.rows.length - 1];
        if (row && row.cells.length === 0) row.nextCol = 1 + count(attr(tag, 'val'), 0);
        return;
      }
      case 'w:tc': {
        const row = this.rows[this.rows.length - 1];
        const cell: Cell = { col: row?.nextCol ?? 1, span: 1, vMerge: null, hMerge: null, paragraphs: [] };
        this.cells.push(cell);
        this.containers.push(cell);
        return;
      }
      case 'w:gridSpan': {
        const cell = this.cells[this.cells.length - 1];
        if (cell && parent === 'w:tcPr') cell.span = Math.min(count(attr(tag, 'val'), 1), this.limits.maxColumns);
        return;
      }
      case 'w:vMerge':
      case 'w:hMerge': {
        const cell = this.cells[this.cells.length - 1];
        if (!cell || parent !== 'w:tcPr') return;
        const merge = attr(tag, 'val') === 'restart' ? 'restart' : 'continue';
        if (name === 'w:vMerge') cell.vMerge = merge;
        else cell.hMerge = merge;
        return;
      }
      default:
        return;
    }
  }

  close(tag: SaxesTagNS): void {
    const name = nameOf(tag);
    this.names.pop();
    if (this.skipFrom >= 0) {
      if (this.names.length === this.skipFrom) this.skipFrom = -1;
      return;
    }
    switch (name) {
      case 'w:t':
        this.inText = false;
        return;
      case 'w:r':
        this.runSymbols = null;
        return;
      case 'w:p': {
        const parts = this.paragraphs.pop();
        const text = (parts ?? []).join('').trim();
        const container = this.containers[this.containers.length - 1] ?? this.body;
        if (text !== '' && (container !== this.body || this.body.paragraphs.length < this.limits.maxParagraphs)) {
          container.paragraphs.push(text);
        }
        return;
      }
      case 'w:sdt':
        this.controls.pop();
        return;
      case 'w:sdtContent': {
        const control = this.controls[this.controls.length - 1];
        if (control?.suppressing) {
          control.suppressing = false;
          this.glyphSuppressed--;
        }
        this.pendingMark = '';
        return;
      }
      case 'w:fldChar':
        if (this.formField) {
          this.emit((this.formField.checked ?? this.formField.default) ? ON : OFF);
          this.formField = null;
        }
        return;
      case 'w:tc': {
        const cell = this.cells.pop();
        this.containers.pop();
        const row = this.rows[this.rows.length - 1];
        if (cell && row) {
          row.cells.push(cell);
          row.nextCol = cell.col + cell.span;
        }
        return;
      }
      case 'w:tr': {
        const row = this.rows.pop();
        const table = this.tables[this.tables.length - 1];
        if (row && table && !row.deleted && table.rows.length < this.limits.maxRows) table.rows.push(row);
        return;
      }
      case 'w:tbl': {
        const table = this.tables.pop();
        if (!table) return;
        if (table.nested) this.flattenInto(table, this.containers[this.containers.length - 1] ?? this.body);
        else if (this.tableCount < this.limits.maxTables) this.built.push(this.tableGrid(table, ++this.tableCount));
        return;
      }
      default:
        return;
    }
  }

  text(text: string): void {
    if (this.skipFrom >= 0 || !this.inText) return;
    this.emit(runText(text, this.runSymbols));
  }

  /** The grids read: the tables in document order, then the text outside them. */
  grids(): Grid[] {
    const grids = [...this.built];
    if (this.body.paragraphs.length > 0) {
      const text = new GridBuilder('正文', 'word-text');
      this.body.paragraphs.forEach((paragraph, index) => {
        text.set(index + 1, 1, paragraph);
      });
      grids.push(text.build());
    }
    return grids;
  }

  private emit(text: string): void {
    if (text === '' || this.glyphSuppressed > 0) return;
    this.paragraphs[this.paragraphs.length - 1]?.push(text);
  }

  /** A nested table's text, into the cell holding it: a line per row, the row's cells joined by a space. */
  private flattenInto(table: Table, container: Container): void {
    for (const row of table.rows) {
      const line = row.cells
        .map((cell) => cell.paragraphs.join(' '))
        .filter((text) => text !== '')
        .join(' ');
      if (line !== '') container.paragraphs.push(line);
    }
  }

  /** A top-level table as a grid: columns are the table's grid columns, merged cells resolved. */
  private tableGrid(table: Table, number: number): Grid {
    const grid = new GridBuilder(`表${number}`, 'word-table');
    const texts = new Map<string, { row: number; col: number; paragraphs: string[] }>();
    /** The cell a vertical merge continues, by its first grid column. */
    const above = new Map<number, { row: number; col: number; paragraphs: string[] }>();
    const max = this.limits.maxColumns;
    table.rows.forEach((row, index) => {
      const r = index + 1;
      let left: { row: number; col: number; paragraphs: string[] } | null = null;
      for (const cell of row.cells) {
        if (cell.col > max) break;
        const last = Math.min(cell.col + cell.span - 1, max);
        const master =
          cell.hMerge === 'continue' && left ? left : cell.vMerge === 'continue' ? above.get(cell.col) : undefined;
        if (master) {
          for (let c = cell.col; c <= last; c++) grid.cover(r, c);
          master.paragraphs.push(...cell.paragraphs);
          continue;
        }
        for (let c = cell.col + 1; c <= last; c++) grid.cover(r, c);
        const own = { row: r, col: cell.col, paragraphs: [...cell.paragraphs] };
        texts.set(`${r}:${cell.col}`, own);
        above.set(cell.col, own);
        left = cell.hMerge === 'restart' ? own : null;
      }
    });
    for (const cell of texts.values()) grid.set(cell.row, cell.col, cell.paragraphs.join('\n'));
    return grid.build();
  }
}

/** An integer attribute of at least `min`, or `min` when absent or not a number. */
function count(value: string | undefined, min: number): number {
  const n = value === undefined ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) ? Math.max(n, min) : min;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error ?? 'unknown error').slice(0, 300);
}
