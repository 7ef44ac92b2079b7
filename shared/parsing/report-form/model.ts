/**
 * The one shape every source of a report form is brought to before anything is looked for in it: a grid of cell
 * texts with positions. A worksheet is a grid; so is a Word table (merged cells resolved), the paragraphs of a
 * Word document (one row each), the lines of a PDF page (one row per line, one cell per gap-separated run) and
 * a CSV file. Each grid names its places in the words of its source (`Sheet1!C5`, `表2 第3行第2列`,
 * `第1页 第12行`), so that every value read from it can say where it came from.
 */

/** Sheets beyond this many are not read (a form is never on the 11th sheet). */
export const MAX_SHEETS = 10;
/** Rows beyond this are not read: some workbooks declare a million-row dimension. */
export const MAX_ROWS = 2000;
/** Columns beyond this are not read. */
export const MAX_COLUMNS = 100;

/** What a grid was made from: decides how its places are named and how far its values are trusted. */
export type GridSource = 'sheet' | 'csv' | 'word-table' | 'word-text' | 'pdf-lines' | 'ocr-lines';

/** A rectangle of cell texts. Rows and columns count from 1. */
export interface Grid {
  /** Sheet name, `表1`, `正文`, `第1页`. */
  name: string;
  source: GridSource;
  /** Hidden sheets often keep an old copy of the form: they come last. */
  hidden: boolean;
  /** Rows are running text (lines, paragraphs), not table rows: the row below a label is no value under it. */
  flow: boolean;
  /** Non-empty cell texts by `row:col`. */
  texts: Map<string, string>;
  /** Cells covered by a merge whose master is elsewhere. */
  covered: Set<string>;
  /** Rows that have text, ascending. */
  rows: number[];
  /** Columns with text per row, ascending. */
  columns: Map<number, number[]>;
}

/** A source read into grids, or why it could not be. */
export interface SourceRead {
  grids: Grid[];
  /** The container, for findings: xlsx, xls, csv, docx, doc, pdf, ocr. */
  format: string;
  /** True when the text came from OCR or a layout guess: every value read from it needs a person's check. */
  lowConfidence?: boolean;
  /** Something staff should know about how far the file was read (pages left out). */
  note?: string;
}

export const at = (row: number, col: number): string => `${row}:${col}`;

/** Spreadsheet column letters (1 -> A, 27 -> AA). */
export function columnName(col: number): string {
  let name = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Where a cell is, as a person looking at the source would find it. */
export function placeOf(grid: Grid, row: number, col: number): string {
  switch (grid.source) {
    case 'sheet':
    case 'csv':
      return `${grid.name}!${columnName(col)}${row}`;
    case 'word-table':
      return `${grid.name} 第${row}行第${col}列`;
    case 'word-text':
      return `${grid.name} 第${row}段`;
    case 'pdf-lines':
    case 'ocr-lines':
      return `${grid.name} 第${row}行`;
  }
}

/** Builds a grid cell by cell; `covered` marks the cells a merged cell spans beyond its first. */
export class GridBuilder {
  private readonly texts = new Map<string, string>();
  private readonly covered = new Set<string>();

  constructor(
    private readonly name: string,
    private readonly source: GridSource,
    private readonly hidden = false,
    private readonly flow = source === 'word-text' || source === 'ocr-lines',
  ) {}

  /** Sets a cell's text (trimmed; empty text leaves the cell empty). */
  set(row: number, col: number, text: string): this {
    const trimmed = text.trim();
    if (trimmed !== '') this.texts.set(at(row, col), trimmed);
    return this;
  }

  /** Marks a cell as covered by a merge whose text is in another cell. */
  cover(row: number, col: number): this {
    this.covered.add(at(row, col));
    return this;
  }

  build(): Grid {
    const columns = new Map<number, number[]>();
    for (const key of this.texts.keys()) {
      const [row, col] = key.split(':').map(Number) as [number, number];
      const list = columns.get(row);
      if (list) list.push(col);
      else columns.set(row, [col]);
    }
    for (const list of columns.values()) list.sort((a, b) => a - b);
    const rows = [...columns.keys()].sort((a, b) => a - b);
    return {
      name: this.name,
      source: this.source,
      hidden: this.hidden,
      flow: this.flow,
      texts: this.texts,
      covered: this.covered,
      rows,
      columns,
    };
  }
}
