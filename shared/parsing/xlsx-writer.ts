/**
 * A small .xlsx writer for the workbooks the pipeline sends out: one or more sheets of text and numbers, with bold
 * or sized fonts, solid fills, wrapped top-aligned text, column widths, merged ranges and frozen heading rows.
 * exceljs writes the same, but it brings its reader, streams and zip libraries (~0.7 MB minified) into every
 * function that attaches a workbook; the notify function must stay small (issue 8). Reading workbooks stays with
 * exceljs (report-form.ts). Output is deterministic: the same input gives the same bytes.
 */
import { writeZip } from './zip-writer.ts';

/** A cell: text, a number, or nothing (an empty cell). */
export type XlsxValue = string | number | null;

/** How a cell looks; a row's style is laid over its column's. */
export interface XlsxStyle {
  bold?: boolean;
  /** Font size in points. */
  size?: number;
  /** Solid fill colour, ARGB hex (`FFDDEBF7`). */
  fill?: string;
  wrapText?: boolean;
  vertical?: 'top' | 'center' | 'bottom';
}

/** One worksheet. */
export interface XlsxSheet {
  name: string;
  rows: { cells: XlsxValue[]; style?: XlsxStyle }[];
  /** Per column from A: width in characters and the style of its cells. */
  columns?: { width?: number; style?: XlsxStyle }[];
  /** Merged ranges, `{ from: [row, column], to: [row, column] }`, 1-based. */
  merges?: { from: [number, number]; to: [number, number] }[];
  /** Rows kept in view when scrolling (a frozen pane below them). */
  frozenRows?: number;
}

/** A workbook and its document properties. */
export interface XlsxWorkbook {
  sheets: XlsxSheet[];
  creator?: string;
  /** Creation and modification time (also the zip entries' dates); fixed input gives fixed bytes. */
  modified: Date;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Writes a workbook as an .xlsx package. */
export function writeXlsx(workbook: XlsxWorkbook): Buffer {
  for (const sheet of workbook.sheets) {
    // Excel refuses a package whose sheet names break its rules; that is a bug of the caller, not bad input.
    if (!/^[^[\]:*?/\\]{1,31}$/.test(sheet.name)) throw new Error(`invalid worksheet name: ${sheet.name}`);
  }
  const strings = new SharedStrings();
  const styles = new StyleTable();
  const sheets = workbook.sheets.map((sheet) => sheetXml(sheet, strings, styles));
  const names = workbook.sheets.map((sheet) => sheet.name);
  const parts: [string, string][] = [
    ['[Content_Types].xml', contentTypes(names.length)],
    ['_rels/.rels', packageRels()],
    ['docProps/core.xml', coreProps(workbook)],
    ['docProps/app.xml', appProps(names)],
    ['xl/workbook.xml', workbookXml(names)],
    ['xl/_rels/workbook.xml.rels', workbookRels(names.length)],
    ['xl/styles.xml', styles.xml()],
    ['xl/sharedStrings.xml', strings.xml()],
    ...sheets.map((xml, i): [string, string] => [`xl/worksheets/sheet${i + 1}.xml`, xml]),
  ];
  return writeZip(
    parts.map(([name, xml]) => ({ name, data: Buffer.from(xml, 'utf8') })),
    { modified: workbook.modified },
  );
}

/** `A1`-style reference of a 1-based row and column. */
export function cellRef(row: number, column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `${letters}${row}`;
}

function sheetXml(sheet: XlsxSheet, strings: SharedStrings, styles: StyleTable): string {
  const columns = sheet.columns ?? [];
  const width = Math.max(1, columns.length, ...sheet.rows.map((row) => row.cells.length));
  const cols = columns
    .map((column, i) => {
      const style = column.style ? ` style="${styles.id(column.style)}"` : '';
      const size = column.width === undefined ? '' : ` width="${column.width}" customWidth="1"`;
      return size || style ? `<col min="${i + 1}" max="${i + 1}"${size}${style}/>` : '';
    })
    .join('');
  const rows = sheet.rows
    .map((row, r) => {
      const cells = row.cells
        .map((value, c) => {
          const style = { ...columns[c]?.style, ...row.style };
          const s = Object.keys(style).length > 0 ? ` s="${styles.id(style)}"` : '';
          const ref = cellRef(r + 1, c + 1);
          if (value === null) return s ? `<c r="${ref}"${s}/>` : '';
          if (typeof value === 'number') {
            return Number.isFinite(value) ? `<c r="${ref}"${s}><v>${value}</v></c>` : `<c r="${ref}"${s}/>`;
          }
          return `<c r="${ref}"${s} t="s"><v>${strings.id(value)}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  const frozen = sheet.frozenRows ?? 0;
  const pane =
    frozen > 0
      ? `<pane ySplit="${frozen}" topLeftCell="${cellRef(frozen + 1, 1)}" activePane="bottomLeft" state="frozen"/>` +
        '<selection pane="bottomLeft"/>'
      : '';
  const merges = (sheet.merges ?? []).map(
    (m) => `<mergeCell ref="${cellRef(m.from[0], m.from[1])}:${cellRef(m.to[0], m.to[1])}"/>`,
  );
  return (
    `${XML}<worksheet xmlns="${MAIN}" xmlns:r="${REL}">` +
    `<dimension ref="A1:${cellRef(Math.max(1, sheet.rows.length), width)}"/>` +
    `<sheetViews><sheetView workbookViewId="0">${pane}</sheetView></sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    (cols ? `<cols>${cols}</cols>` : '') +
    `<sheetData>${rows}</sheetData>` +
    (merges.length > 0 ? `<mergeCells count="${merges.length}">${merges.join('')}</mergeCells>` : '') +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '</worksheet>'
  );
}

/** The workbook's text, each distinct string stored once. */
class SharedStrings {
  private readonly ids = new Map<string, number>();
  private count = 0;

  id(text: string): number {
    this.count++;
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(text, id);
    }
    return id;
  }

  xml(): string {
    const items = [...this.ids.keys()].map((text) => {
      const preserve = /^\s|\s$|\n/.test(text) ? ' xml:space="preserve"' : '';
      return `<si><t${preserve}>${escapeXml(text)}</t></si>`;
    });
    return `${XML}<sst xmlns="${MAIN}" count="${this.count}" uniqueCount="${items.length}">${items.join('')}</sst>`;
  }
}

/** Fonts, fills and cell formats, each distinct one stored once; format 0 is the default. */
class StyleTable {
  // No theme part is written, so the default font names its face instead of a theme colour or scheme.
  private readonly fonts = ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'];
  // The first two fills are reserved by the format (none, gray125).
  private readonly fills = [
    '<fill><patternFill patternType="none"/></fill>',
    '<fill><patternFill patternType="gray125"/></fill>',
  ];
  private readonly formats = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];

  id(style: XlsxStyle): number {
    const font = style.bold || style.size ? indexOf(this.fonts, fontXml(style)) : 0;
    const fill = style.fill ? indexOf(this.fills, fillXml(style.fill)) : 0;
    const aligned = style.wrapText || style.vertical;
    const alignment = aligned
      ? `<alignment${style.vertical ? ` vertical="${style.vertical}"` : ''}${style.wrapText ? ' wrapText="1"' : ''}/>`
      : '';
    const applied =
      (font ? ' applyFont="1"' : '') + (fill ? ' applyFill="1"' : '') + (aligned ? ' applyAlignment="1"' : '');
    const xf = `<xf numFmtId="0" fontId="${font}" fillId="${fill}" borderId="0" xfId="0"${applied}${alignment ? `>${alignment}</xf>` : '/>'}`;
    return indexOf(this.formats, xf);
  }

  xml(): string {
    return (
      `${XML}<styleSheet xmlns="${MAIN}">` +
      `<fonts count="${this.fonts.length}">${this.fonts.join('')}</fonts>` +
      `<fills count="${this.fills.length}">${this.fills.join('')}</fills>` +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.formats.length}">${this.formats.join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '</styleSheet>'
    );
  }
}

function fontXml(style: XlsxStyle): string {
  return `<font>${style.bold ? '<b/>' : ''}${style.size ? `<sz val="${style.size}"/>` : ''}</font>`;
}

function fillXml(argb: string): string {
  return `<fill><patternFill patternType="solid"><fgColor rgb="${argb}"/></patternFill></fill>`;
}

function indexOf(list: string[], item: string): number {
  const found = list.indexOf(item);
  if (found >= 0) return found;
  list.push(item);
  return list.length - 1;
}

function contentTypes(sheets: number): string {
  const sheetTypes = Array.from(
    { length: sheets },
    (_, i) =>
      `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  ).join('');
  return (
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    sheetTypes +
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
    '</Types>'
  );
}

function packageRels(): string {
  return (
    `${XML}<Relationships xmlns="${PKG_REL}">` +
    `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>` +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
    `<Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/>` +
    '</Relationships>'
  );
}

function workbookRels(sheets: number): string {
  // Sheets take rId1..rIdN, so the workbook's <sheet r:id> are simply their positions.
  const sheetRels = Array.from(
    { length: sheets },
    (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  ).join('');
  return (
    `${XML}<Relationships xmlns="${PKG_REL}">${sheetRels}` +
    `<Relationship Id="rId${sheets + 1}" Type="${REL}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId${sheets + 2}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` +
    '</Relationships>'
  );
}

function workbookXml(names: string[]): string {
  const sheets = names
    .map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('');
  return `${XML}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheets}</sheets></workbook>`;
}

function coreProps(workbook: XlsxWorkbook): string {
  const at = workbook.modified.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:creator>${escapeXml(workbook.creator ?? '')}</dc:creator>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

function appProps(names: string[]): string {
  const titles = names.map((name) => `<vt:lpstr>${escapeXml(name)}</vt:lpstr>`).join('');
  return (
    `${XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ` +
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
    '<Application>Microsoft Excel</Application>' +
    '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>' +
    `<vt:variant><vt:i4>${names.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
    `<TitlesOfParts><vt:vector size="${names.length}" baseType="lpstr">${titles}</vt:vector></TitlesOfParts>` +
    '</Properties>'
  );
}

/** Escapes XML text and drops the control characters XML 1.0 cannot carry (they would make Excel refuse the file). */
function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
