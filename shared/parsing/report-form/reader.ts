/**
 * Reads the report form (附件2 经营服务情况报告表) from an .xlsx workbook. Bases re-make the form by hand, so
 * nothing is read from a fixed cell address: every item is found by its number and wording wherever it sits
 * (inserted rows and columns, merged cells, several items in one cell), and its value is taken from the same cell
 * (`1. 直播电商基地建筑面积：0.52万平方米`), from the cells to its right, or from the cell below a column header.
 * Bad input never throws: it becomes findings with stable codes (`form.*`).
 */
import ExcelJS from 'exceljs';
import type { FormField, FormHeaderField, FormItem } from '../../domain/catalogue.ts';
import { type Finding, finding } from '../../domain/findings.ts';
import type { FormValue } from '../../domain/records.ts';
import { repairXlsxPackage } from '../xlsx-repair.ts';

export type { FormValue };

/** Sheets beyond this many are not read (a form is never on the 11th sheet). */
export const MAX_SHEETS = 10;
/** Rows beyond this are not read: some workbooks declare a million-row dimension. */
export const MAX_ROWS = 2000;
/** Columns beyond this are not read. */
export const MAX_COLUMNS = 100;
/** How many cells to the right of a label may hold its values. */
const MAX_RIGHT_CELLS = 12;
/** How many rows below a column-header label may hold its value. */
const MAX_BELOW_ROWS = 3;
/**
 * Worksheet parts the parser never needs. Data validations in particular are expanded cell by cell by exceljs,
 * which takes seconds for a whole-column rule such as `A1:Y1048576`.
 */
export const IGNORED_NODES = [
  'dataValidations',
  'conditionalFormatting',
  'extLst',
  'drawing',
  'picture',
  'tableParts',
  'autoFilter',
  'rowBreaks',
  'pageSetup',
  'printOptions',
  'headerFooter',
  'sheetProtection',
];

/** The catalogue the parser needs: the form's header fields and items (a `Round` fits). */
export interface ReportFormCatalogue {
  formHeader: readonly FormHeaderField[];
  formItems: readonly FormItem[];
}

/** What a report-form workbook yields: header fields by key, one value per item field, and findings. */
export interface ReportFormResult {
  /** Header values by key (baseName, cityBureau, contactName ...); only fields found with a value. */
  header: Record<string, string>;
  /** One entry per field of every catalogue item; `value` is null when blank, unreadable or not found. */
  values: FormValue[];
  findings: Finding[];
}

/** Reads the report form from an .xlsx buffer; never throws for bad input (problems become findings). */
export async function parseReportForm(
  data: Buffer,
  form: ReportFormCatalogue,
  opts: { fileName?: string } = {},
): Promise<ReportFormResult> {
  const where: Pick<Finding, 'document'> = opts.fileName ? { document: opts.fileName } : {};
  const refusal = refusePackage(data, where);
  if (refusal) return { header: {}, values: [], findings: [refusal] };
  let workbook: ExcelJS.Workbook;
  try {
    workbook = await loadWorkbook(data);
  } catch (cause) {
    return { header: {}, values: [], findings: [unreadable(cause, where)] };
  }
  try {
    const grids = readGrids(workbook);
    if (grids.length === 0) return { header: {}, values: [], findings: [unreadable('no worksheet', where)] };
    return readForm(grids, form, where);
  } catch (cause) {
    return { header: {}, values: [], findings: [unreadable(cause, where)] };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Package checks

async function loadWorkbook(data: Buffer): Promise<ExcelJS.Workbook> {
  const load = async (buffer: Buffer) => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer, { ignoreNodes: IGNORED_NODES });
    return workbook;
  };
  let first: unknown;
  try {
    const workbook = await load(data);
    if (workbook.worksheets.length > 0) return workbook;
  } catch (cause) {
    first = cause;
  }
  // Some valid packages are beyond exceljs (prefixed <x:worksheet>, Apple Numbers' sheet.xml): retry repaired.
  const repaired = await repairXlsxPackage(data).catch(() => null);
  if (repaired) return load(repaired);
  if (first) throw first;
  return new ExcelJS.Workbook();
}

const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

function refusePackage(data: Buffer, where: Pick<Finding, 'document'>): Finding | null {
  if (!Buffer.isBuffer(data) || data.length < 4) {
    return finding('form.not-xlsx', 'error', '文件为空或过小，不是 .xlsx 格式的 Excel 工作簿，无法读取报告表。', {
      ...where,
      messageEn: 'empty or truncated file, not an OOXML workbook',
    });
  }
  if (OLE2_MAGIC.every((byte, i) => data[i] === byte)) {
    // Legacy .xls and password-protected .xlsx are both OLE2/CFB containers: neither can be read without
    // the base re-saving it.
    return finding(
      'form.not-xlsx',
      'error',
      '文件是旧版 Excel（.xls）格式或设置了打开密码的加密工作簿，系统无法读取。请用 Excel 或 WPS 打开后“另存为” .xlsx 格式，并取消打开密码，再重新发送。',
      { ...where, messageEn: 'OLE2/CFB container (.xls or encrypted workbook); re-save as .xlsx without password' },
    );
  }
  if (data[0] !== 0x50 || data[1] !== 0x4b) {
    return finding(
      'form.not-xlsx',
      'error',
      '文件不是 .xlsx 格式的 Excel 工作簿，无法读取报告表。请使用 Excel 或 WPS 另存为 .xlsx 格式后重新发送。',
      { ...where, messageEn: 'not a zip (OOXML) file' },
    );
  }
  return null;
}

function unreadable(cause: unknown, where: Pick<Finding, 'document'>): Finding {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return finding(
    'form.unreadable',
    'error',
    '工作簿已损坏或格式不规范，系统无法读取报告表。请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再发送。',
    { ...where, messageEn: `workbook could not be read: ${detail.slice(0, 200)}` },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Grid: the cell texts of a sheet, merged cells resolved

interface Grid {
  name: string;
  /** Hidden sheets often keep an old copy of the form: they come last. */
  hidden: boolean;
  /** Non-empty cell texts by `row:col`. */
  texts: Map<string, string>;
  /** Cells covered by a merge whose master is elsewhere. */
  covered: Set<string>;
  /** Rows that have text, ascending. */
  rows: number[];
  /** Columns with text per row, ascending. */
  columns: Map<number, number[]>;
}

const at = (row: number, col: number): string => `${row}:${col}`;

function readGrids(workbook: ExcelJS.Workbook): Grid[] {
  const grids: Grid[] = [];
  for (const sheet of workbook.worksheets.slice(0, MAX_SHEETS)) {
    const grid: Grid = {
      name: sheet.name,
      hidden: sheet.state !== 'visible',
      texts: new Map(),
      covered: new Set(),
      rows: [],
      columns: new Map(),
    };
    const lastRow = Math.min(sheet.rowCount, MAX_ROWS);
    for (let r = 1; r <= lastRow; r++) {
      const row = sheet.findRow(r);
      if (!row) continue;
      const cols: number[] = [];
      const lastCol = Math.min(row.cellCount, MAX_COLUMNS);
      for (let c = 1; c <= lastCol; c++) {
        const cell = row.findCell(c);
        if (!cell) continue;
        if (cell.type === ExcelJS.ValueType.Merge) {
          grid.covered.add(at(r, c));
          continue;
        }
        const text = cellText(cell.value, cell.numFmt).trim();
        if (text === '') continue;
        grid.texts.set(at(r, c), text);
        cols.push(c);
      }
      if (cols.length > 0) {
        grid.rows.push(r);
        grid.columns.set(r, cols);
      }
    }
    grids.push(grid);
  }
  return grids;
}

/** The text a cell shows; formulas give their cached result, percent formats give `85%`. */
function cellText(value: unknown, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return v.richText.map((run) => (typeof run?.text === 'string' ? run.text : '')).join('');
    }
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result, numFmt);
    if (typeof v.error === 'string') return v.error;
    if ('text' in v) return cellText(v.text, numFmt);
  }
  return '';
}

function numberText(value: number, numFmt?: string): string {
  if (!Number.isFinite(value)) return '';
  // A cell formatted as a percentage stores 0.85 for 85%.
  if (numFmt && /%/.test(numFmt.replace(/"[^"]*"/g, ''))) return `${tidy(value * 100)}%`;
  return String(tidy(value));
}

/** Removes binary floating-point noise (0.30000000000000004 -> 0.3). */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

// ---------------------------------------------------------------------------------------------------------------
// Text normalisation

/**
 * Same-length normalisation: NFKC where it maps one UTF-16 unit to one (full-width digits and punctuation,
 * ideographic space, superscripts), lower case. Keeping the length keeps indices valid in the original text.
 */
function fold(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text[i]!;
    let folded = FOLDED.get(unit);
    if (folded === undefined) {
      const n = unit.normalize('NFKC').toLowerCase();
      folded = n.length === 1 ? n : unit;
      FOLDED.set(unit, folded);
    }
    out += folded;
  }
  return out;
}

/** Folded form per UTF-16 unit; bounded by the size of the character set actually seen. */
const FOLDED = new Map<string, string>();

/** Letters and digits only, with the index in the original text of each kept unit. */
interface Keyed {
  key: string;
  /** Index in the original text of key unit i. */
  index: number[];
}

const KEY_CHAR = /[\p{L}\p{N}]/u;

function keyed(text: string): Keyed {
  const folded = fold(text);
  let key = '';
  const index: number[] = [];
  for (let i = 0; i < folded.length; i++) {
    const unit = folded[i]!;
    if (KEY_CHAR.test(unit) || /[\uD800-\uDFFF]/.test(unit)) {
      key += unit;
      index.push(i);
    }
  }
  return { key, index };
}

const keyOf = (text: string): string => keyed(text).key;

const wordingKeys = new WeakMap<FormItem, { all: string; first: string }>();

function keysOf(item: FormItem): { all: string; first: string } {
  let keys = wordingKeys.get(item);
  if (!keys) {
    const cut = item.wording.search(/_|□/);
    keys = { all: keyOf(item.wording), first: keyOf(cut < 0 ? item.wording : item.wording.slice(0, cut)) };
    wordingKeys.set(item, keys);
  }
  return keys;
}

/** The wording with its blanks and tick boxes dropped, as a key. */
const wordingKey = (item: FormItem): string => keysOf(item).all;

/** The wording up to its first blank (`直播电商基地建筑面积`), as a key. */
const firstLiteralKey = (item: FormItem): string => keysOf(item).first;

// ---------------------------------------------------------------------------------------------------------------
// Finding items in cells

/** An item label found in a cell: the item and the part of the cell's text that belongs to it. */
interface Occurrence {
  item: FormItem;
  row: number;
  col: number;
  /** Text after the item number up to the next item label in the same cell. */
  text: string;
  /** True when the cell holds other items too (then only this text can hold the values). */
  shared: boolean;
}

const ITEM_NUMBER = /(?<![\d.])[([【]?\s*(\d{1,2})\s*(?:[)\]】]\s*[.、,:]?|[.、,:]|\s)/g;

/** Item labels in one cell, found by number + the start of the wording, in order. */
function itemsInCell(text: string, items: Map<number, FormItem>): { item: FormItem; start: number; end: number }[] {
  const folded = fold(text);
  const found: { item: FormItem; start: number; end: number }[] = [];
  for (const match of folded.matchAll(ITEM_NUMBER)) {
    const item = items.get(Number(match[1]));
    if (!item) continue;
    const end = match.index + match[0].length;
    if (wordingFollows(item, text.slice(end, end + 80))) found.push({ item, start: match.index, end });
  }
  return found;
}

/** True when the text after an item number starts like the item's wording (the first 4 letters of it, give or take). */
function wordingFollows(item: FormItem, after: string): boolean {
  const wording = wordingKey(item);
  const head = keyOf(after).slice(0, 40);
  const size = Math.min(4, wording.length);
  for (let i = 0; i <= 4 && i + size <= head.length; i++) {
    if (wording.includes(head.slice(i, i + size))) return true;
  }
  return false;
}

function findOccurrences(grid: Grid, form: ReportFormCatalogue): Occurrence[] {
  const items = new Map(form.formItems.map((item) => [item.item, item]));
  const occurrences: Occurrence[] = [];
  const numbered = new Set<number>();
  for (const row of grid.rows) {
    for (const col of grid.columns.get(row) ?? []) {
      const text = grid.texts.get(at(row, col))!;
      const found = itemsInCell(text, items);
      for (const [i, hit] of found.entries()) {
        const next = found[i + 1];
        occurrences.push({
          item: hit.item,
          row,
          col,
          text: text.slice(hit.end, next ? next.start : text.length),
          shared: found.length > 1,
        });
        numbered.add(hit.item.item);
      }
    }
  }
  // Labels re-typed without their number (or renumbered after dropping an item): accepted only for items no
  // numbered label was found for, and only when the cell starts with the wording's first words (at least
  // 6 letters, to stay specific).
  const unnumbered = form.formItems.filter((item) => !numbered.has(item.item) && firstLiteralKey(item).length >= 6);
  if (unnumbered.length > 0) {
    for (const row of grid.rows) {
      for (const col of grid.columns.get(row) ?? []) {
        const text = grid.texts.get(at(row, col))!;
        const key = keyOf(text).replace(/^\d{1,2}/, '');
        for (const item of unnumbered) {
          if (key.startsWith(firstLiteralKey(item))) occurrences.push({ item, row, col, text, shared: false });
        }
      }
    }
  }
  return occurrences;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading values

type Value = number | boolean | string[] | string;

/** The outcome of reading one field from one place. */
type Read =
  | { status: 'value'; value: Value; raw: string; converted?: { from: string } }
  | { status: 'blank'; raw: string }
  | { status: 'unreadable'; raw: string };

interface FieldRead {
  read: Read;
  address: string;
}

const BLANK: Read = { status: 'blank', raw: '' };

/** Unit words a base may type after a number, longest first so that 万平方米 wins over 万. */
const UNIT_WORDS = [
  '万平方米',
  '万平米',
  '万㎡',
  '万m2',
  '平方米',
  '平米',
  '㎡',
  'm2',
  '平方',
  '亿元',
  '万元',
  '千元',
  'mbps',
  'gbps',
  'kbps',
  'mb/s',
  '千兆',
  '万兆',
  '兆',
  '个月',
  '人次',
  '场次',
  '小时',
  '分钟',
  '元',
  '亿',
  '万',
  '千',
  '%',
  '个',
  '间',
  '人',
  '名',
  '位',
  '家',
  '场',
  '次',
  'h',
  '年',
  '月',
  'm',
  'g',
];

/** Factors from a typed unit to the notice's unit; units not listed count as the notice's own. */
const CONVERSIONS: Record<string, Record<string, number>> = {
  万平方米: { 平方米: 1e-4, 平米: 1e-4, '㎡': 1e-4, m2: 1e-4, 平方: 1e-4 },
  万元: { 亿元: 1e4, 亿: 1e4, 元: 1e-4, 千元: 0.1 },
  Mbps: { gbps: 1e3, g: 1e3, 千兆: 1e3, 万兆: 1e4, kbps: 1e-3 },
  小时: { 分钟: 1 / 60 },
  年: { 个月: 1 / 12, 月: 1 / 12 },
  个: { 万: 1e4, 千: 1e3 },
  间: { 万: 1e4, 千: 1e3 },
  人: { 万: 1e4, 千: 1e3 },
  场: { 万: 1e4, 千: 1e3 },
};

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const NUMBER = new RegExp(
  `(-)?(\\d+(?:,\\d{3})+(?:\\.\\d+)?|\\d*\\.\\d+|\\d+)\\s*(${UNIT_WORDS.map(escapeRegExp).join('|')})?`,
  'g',
);
/** Words that may surround a blank without being a value. */
const FILLER = /其中|单位|约|大约|近|共|合计|累计|总计|超过|以上|左右|余|计/g;
const UNIT_FILLER = new RegExp(UNIT_WORDS.map(escapeRegExp).join('|'), 'g');
/** Dates of the evaluation period written in the wording (`2022年9月-2023年8月`) are not values. */
const PERIOD =
  /\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?|\d{4}\s*[-~至到—–]\s*\d{4}\s*年度?|\d{4}\s*年度|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月(底|末|份)/g;
const NONE_WORDS = /^(无|没有|暂无|零|0)$/;

/** True for text that holds nothing but units, filler words and punctuation. */
function isUnitOnly(text: string): boolean {
  const folded = fold(text);
  const marks = folded.replace(/[\s,;。.:_＿()、]/g, '');
  return marks !== '' && !/\d/.test(marks) && !MARK.test(marks) && stripFiller(folded) === '';
}

function stripFiller(folded: string): string {
  return keyOf(folded.replace(UNIT_FILLER, ' ').replace(FILLER, ' '));
}

function cleanRaw(text: string): string {
  return text.replace(/^[\s_＿:：,，;；。.、)）]+|[\s_＿:：,，;；。、(（]+$/g, '');
}

/** The numbers of a text in order; numbers in brackets (`（含兼职20人）`) only when there are no others. */
function numberTokens(text: string): { value: number; unit: string; raw: string }[] {
  const blank = (m: string) => ' '.repeat(m.length);
  const folded = fold(text).replace(PERIOD, blank);
  const outside = tokensOf(text, folded.replace(/\([^()]*\)|\[[^[\]]*\]|【[^【】]*】/g, blank));
  return outside.length > 0 ? outside : tokensOf(text, folded);
}

function tokensOf(text: string, folded: string): { value: number; unit: string; raw: string }[] {
  const tokens: { value: number; unit: string; raw: string }[] = [];
  for (const m of folded.matchAll(NUMBER)) {
    const value = Number(m[2]!.replace(/,/g, '')) * (m[1] ? -1 : 1);
    if (!Number.isFinite(value)) continue;
    tokens.push({ value, unit: m[3] ?? '', raw: text.slice(m.index, m.index + m[0].length) });
  }
  return tokens;
}

function numberRead(field: FormField, token: { value: number; unit: string; raw: string }, raw: string): Read {
  const factor = field.unit ? CONVERSIONS[field.unit]?.[token.unit] : undefined;
  if (factor === undefined || factor === 1) return { status: 'value', value: tidy(token.value), raw };
  return { status: 'value', value: tidy(token.value * factor), raw, converted: { from: token.unit } };
}

function readNumber(field: FormField, text: string): Read {
  const raw = cleanRaw(text);
  const [token] = numberTokens(text);
  if (token) return numberRead(field, token, raw);
  const folded = fold(text).replace(PERIOD, ' ').replace(FILLER, ' ');
  // Only the field's own unit counts as part of an empty blank: 千兆 or 亿元 without a number is an answer.
  const own = field.unit && COUNT_UNITS.includes(field.unit) ? COUNT_UNITS : [fold(field.unit ?? '')];
  const rest = keyOf(own.reduce((t, unit) => (unit ? t.split(unit).join(' ') : t), folded));
  if (rest === '') return { status: 'blank', raw };
  if (NONE_WORDS.test(rest)) return { status: 'value', value: 0, raw };
  const bandwidth = field.unit === 'Mbps' ? /([百千万])兆/.exec(folded) : null;
  if (bandwidth) {
    const value = { 百: 100, 千: 1000, 万: 10000 }[bandwidth[1] as '百' | '千' | '万'];
    return { status: 'value', value, raw, converted: { from: bandwidth[0] } };
  }
  return { status: 'unreadable', raw };
}

/** Count units a base uses interchangeably (个 for 人, 次 for 场). */
const COUNT_UNITS = ['人次', '场次', '个', '间', '人', '名', '位', '家', '场', '次'];

// Tick marks. Boxes stand before their option; check marks may stand on either side (是√ / √是).
const BOX_ON = '☑☒■▣◼▪✅●◉';
const BOX_OFF = '☐□▢◻○◯';
const CHECK = '√✓✔';
const MARK = new RegExp(`[${BOX_ON}${BOX_OFF}${CHECK}]`);
const EDGE = /^[\s,，;；、。.:：_＿]+|[\s,，;；、。.:：_＿]+$/g;

interface Choice {
  text: string;
  checked: boolean;
}

/** The options of a text with tick marks, in order, with whether each is ticked; null when it has no marks. */
function markedChoices(text: string): Choice[] | null {
  const t = fold(text)
    // (√) and [x] mark the option they stand next to, on either side; ( ) is an empty box.
    .replace(/[([]\s*[√✓✔x]\s*[)\]]/g, '√')
    .replace(/[([]\s*[)\]]/g, '☐');
  if (!MARK.test(t)) return null;
  type Token = { mark: 'on' | 'off' | 'check' } | { text: string };
  const tokens: Token[] = [];
  let buffer = '';
  for (const ch of t) {
    const mark = BOX_ON.includes(ch) ? 'on' : BOX_OFF.includes(ch) ? 'off' : CHECK.includes(ch) ? 'check' : null;
    if (!mark) {
      buffer += ch;
      continue;
    }
    if (buffer) tokens.push({ text: buffer });
    buffer = '';
    tokens.push({ mark });
  }
  if (buffer) tokens.push({ text: buffer });

  const choices: (Choice & { token: number })[] = [];
  tokens.forEach((token, i) => {
    if (!('text' in token)) return;
    const text = token.text.replace(EDGE, '');
    if (!text) return;
    const before = tokens[i - 1];
    choices.push({ text, checked: before !== undefined && 'mark' in before && before.mark === 'on', token: i });
  });
  tokens.forEach((token, i) => {
    if (!('mark' in token) || token.mark !== 'check') return;
    const prev = choices.find((c) => c.token === i - 1);
    const next = choices.find((c) => c.token === i + 1);
    const prevText = (tokens[i - 1] as { text?: string } | undefined)?.text ?? '';
    const nextText = (tokens[i + 1] as { text?: string } | undefined)?.text ?? '';
    const prevAdjacent = prev && !/\s$/.test(prevText) ? prev : undefined;
    const nextAdjacent = next && !/^\s/.test(nextText) ? next : undefined;
    const target = prevAdjacent ?? nextAdjacent ?? prev ?? next;
    if (target) target.checked = true;
    else choices.push({ text: '', checked: true, token: i });
  });
  return choices.map(({ text, checked }) => ({ text, checked }));
}

const YES = /^(是|有|已|对|yes|y|true|√|✓|✔)/;
const NO = /^(否|无|没有|未|不|no|n|false|×|✗|x)/;

function yesNoWord(text: string): boolean | null {
  const key = keyOf(text.replace(/是否/g, '')) || text.trim();
  if (key === '1') return true;
  if (key === '0') return false;
  if (YES.test(key)) return true;
  if (NO.test(key)) return false;
  return null;
}

function readYesNo(text: string): Read {
  const raw = cleanRaw(text);
  const choices = markedChoices(text);
  if (choices) {
    const ticked = choices.filter((c) => c.checked).map((c) => (c.text === '' ? true : yesNoWord(c.text)));
    if (ticked.length === 0) return { status: 'blank', raw };
    const answers = new Set(ticked);
    if (answers.size !== 1 || answers.has(null)) return { status: 'unreadable', raw };
    return { status: 'value', value: ticked[0]!, raw };
  }
  if (stripFiller(fold(text).replace(/是否/g, '')) === '' && !/[×✗]/.test(text)) return { status: 'blank', raw };
  const answer = yesNoWord(fold(text).replace(EDGE, ''));
  return answer === null ? { status: 'unreadable', raw } : { status: 'value', value: answer, raw };
}

/** Yes/no answers of several fields written one after another (`☑是 ☐否；☐是 ☑否` or `是；否`). */
function readYesNoSeries(text: string, count: number): Read[] {
  const choices = markedChoices(text);
  const reads: Read[] = [];
  if (choices) {
    let group: Choice[] = [];
    const close = () => {
      if (group.length === 0) return;
      const ticked = group.filter((c) => c.checked).map((c) => yesNoWord(c.text));
      const raw = group.map((c) => `${c.checked ? '☑' : '☐'}${c.text}`).join(' ');
      const answers = new Set(ticked);
      if (ticked.length === 0) reads.push({ status: 'blank', raw });
      else if (answers.size !== 1 || answers.has(null)) reads.push({ status: 'unreadable', raw });
      else reads.push({ status: 'value', value: ticked[0]!, raw });
      group = [];
    };
    for (const choice of choices) {
      const word = yesNoWord(choice.text);
      if (word === true || group.some((c) => yesNoWord(c.text) === word)) close();
      if (word !== null) group.push(choice);
    }
    close();
  } else {
    const words =
      fold(text)
        .replace(/是否/g, ' ')
        .match(/是|否|有|无/g) ?? [];
    for (const word of words) reads.push({ status: 'value', value: word === '是' || word === '有', raw: word });
  }
  return Array.from({ length: count }, (_, i) => reads[i] ?? BLANK);
}

function readTicks(field: FormField, text: string, wording: string): Read {
  const raw = cleanRaw(text);
  const choices = markedChoices(text);
  const picked = choices
    ? choices.filter((c) => c.checked).map((c) => c.text)
    : fold(text)
        .split(/[、,，;；/|\s]+/)
        .map((s) => s.replace(EDGE, ''))
        .filter((s) => s !== '');
  if (picked.length === 0) {
    return choices || keyOf(text) === '' ? { status: 'blank', raw } : { status: 'unreadable', raw };
  }
  if (!choices && picked.length === 1 && NONE_WORDS.test(keyOf(picked[0]!))) {
    return { status: 'value', value: [], raw };
  }
  const options = field.options ?? [];
  const ticked = new Set<string>();
  const others: string[] = [];
  let unknown = 0;
  for (const text of picked) {
    const key = keyOf(text);
    if (key === '') continue;
    const other = /^其他(服务|领域|新技术领域|技术领域|技术)?/.exec(key);
    if (other) {
      const detail = text.replace(/^[^:：]*其他(服务|领域|新技术领域|技术领域|技术)?[\s:：_＿]*/, '').replace(EDGE, '');
      if (field.otherText) others.push(detail ? `其他：${detail}` : '其他');
      continue;
    }
    const option = bestOption(key, options);
    if (option !== undefined) ticked.add(option);
    else if (wording.includes(key))
      continue; // a piece of the notice's own wording, not an answer
    else if (field.otherText) others.push(`其他：${text}`);
    else unknown++;
  }
  if (ticked.size === 0 && others.length === 0) {
    if (unknown > 0 && !choices) return { status: 'unreadable', raw };
    return { status: 'blank', raw };
  }
  return { status: 'value', value: [...options.filter((o) => ticked.has(o)), ...others], raw };
}

/** The option a ticked text means: containment either way, else the longest shared run of at least 4 letters. */
function bestOption(key: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const option of options) {
    const optionKey = keyOf(option);
    let score = 0;
    if (key.includes(optionKey) || (key.length >= 2 && optionKey.includes(key))) score = 1000 + optionKey.length;
    else {
      const run = longestCommonRun(key, optionKey);
      if (run >= 4) score = run;
    }
    if (score > bestScore) {
      best = option;
      bestScore = score;
    }
  }
  return best;
}

function longestCommonRun(a: string, b: string): number {
  let best = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      let k = 0;
      while (i + k < a.length && j + k < b.length && a[i + k] === b[j + k]) k++;
      if (k > best) best = k;
    }
  }
  return best;
}

function readField(item: FormItem, field: FormField, text: string): Read {
  switch (field.kind) {
    case 'number':
      return readNumber(field, text);
    case 'yesno':
      return readYesNo(text);
    case 'ticks':
      return readTicks(field, text, wordingKey(item));
    default: {
      const raw = cleanRaw(text);
      return raw ? { status: 'value', value: raw, raw } : { status: 'blank', raw };
    }
  }
}

/** Several fields of one kind read from one piece of text, by order (no field labels to go by). */
function readSeries(item: FormItem, fields: readonly FormField[], text: string): Read[] {
  const first = fields[0]!;
  if (fields.length === 1) return [readField(item, first, text)];
  if (fields.every((f) => f.kind === 'number')) {
    const tokens = numberTokens(text);
    if (tokens.length === 0) return fields.map((f, i) => (i === 0 ? readNumber(f, text) : BLANK));
    return fields.map((f, i) => {
      const token = tokens[i];
      return token ? numberRead(f, token, token.raw.trim()) : BLANK;
    });
  }
  if (fields.every((f) => f.kind === 'yesno')) return readYesNoSeries(text, fields.length);
  return fields.map((f, i) => (i === 0 ? readField(item, f, text) : BLANK));
}

/**
 * Reads an item's fields from a text that may carry the fields' labels (`入驻商家数量：120个，其中山西老字号商家数量：
 * 8个`): each field's value is what follows its label up to the next label; fields whose label is missing share
 * the text before the next label found, in order.
 */
function readByLabels(item: FormItem, text: string): Read[] {
  const { key, index } = keyed(text);
  const fields = item.fields;
  const spans: ({ start: number; end: number } | null)[] = fields.map(() => null);
  let cursor = 0;
  fields.forEach((field, i) => {
    const label = keyOf(field.label);
    const found = label ? key.indexOf(label, cursor) : -1;
    if (found >= 0) {
      spans[i] = { start: found, end: found + label.length };
      cursor = found + label.length;
    }
  });
  // A label re-typed shorter: its end is what sits next to the blank, so look for its longest tail.
  fields.forEach((field, i) => {
    if (spans[i]) return;
    const lo = spans.slice(0, i).findLast((s) => s !== null)?.end ?? 0;
    const hi = spans.slice(i + 1).find((s) => s !== null)?.start ?? key.length;
    const window = key.slice(lo, hi);
    const label = keyOf(field.label);
    const others = fields.filter((f) => f !== field).map((f) => keyOf(f.label));
    for (let size = label.length - 1; size >= 4; size--) {
      const tail = label.slice(-size);
      if (others.some((other) => other.includes(tail))) break; // 商家数量 would also find 山西老字号商家数量
      const found = window.indexOf(tail);
      if (found >= 0) {
        spans[i] = { start: lo + found, end: lo + found + size };
        break;
      }
    }
  });
  const rawStart = (k: number): number => (k < index.length ? index[k]! : text.length);
  const rawEnd = (k: number): number => (k > 0 ? index[k - 1]! + 1 : 0);

  const reads: Read[] = fields.map(() => BLANK);
  const groups: { fields: number[]; from: number }[] = [];
  const leading: number[] = [];
  fields.forEach((_, i) => {
    const span = spans[i];
    if (span) groups.push({ fields: [i], from: rawEnd(span.end) });
    else if (groups.length > 0) groups.at(-1)!.fields.push(i);
    else leading.push(i);
  });
  if (leading.length > 0) groups.unshift({ fields: leading, from: 0 });
  groups.forEach((group, g) => {
    const next = groups[g + 1];
    const to = next ? rawStart(spans[next.fields[0]!]!.start) : text.length;
    const series = readSeries(
      item,
      group.fields.map((i) => fields[i]!),
      text.slice(group.from, to),
    );
    group.fields.forEach((fieldIndex, j) => {
      reads[fieldIndex] = series[j]!;
    });
  });
  return reads;
}

/** True when the text names at least one of the item's field labels. */
function hasFieldLabel(item: FormItem, text: string): boolean {
  const key = keyOf(text);
  return item.fields.some((f) => {
    const label = keyOf(f.label);
    return label.length >= 2 && key.includes(label);
  });
}

interface CellText {
  text: string;
  address: string;
}

/**
 * Reads an item's fields from the cells next to its label: one cell (or value + unit cells) per field, in order.
 * Unit cells (`个`, `万元`) attach to the value before them; an empty cell keeps its field's place.
 */
function readFromCells(item: FormItem, cells: CellText[]): FieldRead[] {
  const fields = item.fields;
  const filled = cells.filter((c) => c.text !== '');
  if (filled.length === 0) return fields.map(() => ({ read: BLANK, address: cells[0]?.address ?? '' }));
  const joined = filled.map((c) => c.text).join('  ');
  const firstAddress = filled[0]!.address;
  if (fields.length === 1 && fields[0]!.kind === 'ticks') {
    return [{ read: readField(item, fields[0]!, joined), address: firstAddress }];
  }
  if (fields.length > 1 && hasFieldLabel(item, joined)) {
    return readByLabels(item, joined).map((read) => ({ read, address: firstAddress }));
  }
  const last = cells.findLastIndex((c) => c.text !== '');
  const slots: CellText[] = [];
  for (const cell of cells.slice(0, last + 1)) {
    const prev = slots.at(-1);
    if (prev && cell.text !== '' && fields[0]!.kind === 'number' && isUnitOnly(cell.text)) {
      prev.text = `${prev.text}${cell.text}`;
    } else if (prev && fields[0]!.kind === 'yesno' && isLoneChoice(prev.text, '是') && isLoneChoice(cell.text, '否')) {
      prev.text = `${prev.text} ${cell.text}`; // ☐是 | ☑否 in two cells answer one question
    } else {
      slots.push({ ...cell });
    }
  }
  // A fixed grid of value cells with spacer cells between them (value | unit | value | unit).
  if (fields.length > 1 && slots.length > fields.length && slots.every((s, i) => i % 2 === 0 || s.text === '')) {
    slots.splice(0, slots.length, ...slots.filter((_, i) => i % 2 === 0));
  }
  while (slots.length > fields.length && slots[0]!.text === '') slots.shift();
  if (slots.length >= fields.length) {
    return fields.map((field, i) => ({ read: readField(item, field, slots[i]!.text), address: slots[i]!.address }));
  }
  const present = slots.filter((s) => s.text !== '');
  if (present.length === 1 && fields.length > 1) {
    return readSeries(item, fields, present[0]!.text).map((read) => ({ read, address: present[0]!.address }));
  }
  return fields.map((field, i) => {
    const slot = present[i];
    return slot ? { read: readField(item, field, slot.text), address: slot.address } : { read: BLANK, address: '' };
  });
}

function isLoneChoice(text: string, word: '是' | '否'): boolean {
  return MARK.test(text) && keyOf(text) === word;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading an occurrence: the label's own cell, then the cells to its right, then the cell(s) below

const columnName = (col: number): string => {
  let name = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
};
const address = (row: number, col: number): string => `${columnName(col)}${row}`;

function readOccurrence(grid: Grid, occurrence: Occurrence, labelCells: Set<string>): FieldRead[] {
  const { item, row, col } = occurrence;
  const here = address(row, col);
  const hasValue = (reads: FieldRead[] | null) => reads?.some((r) => r.read.status === 'value') ?? false;
  const own = readByLabels(item, occurrence.text).map((read) => ({ read, address: here }));
  if (hasValue(own) || occurrence.shared) return own;

  // The cells to the right, skipping those a merge covers, up to the next item label.
  const right: CellText[] = [];
  for (let c = col + 1; c <= MAX_COLUMNS && right.length < MAX_RIGHT_CELLS; c++) {
    if (grid.covered.has(at(row, c))) continue;
    if (labelCells.has(at(row, c))) break;
    right.push({ text: grid.texts.get(at(row, c)) ?? '', address: address(row, c) });
  }
  const fromRight = right.some((c) => c.text !== '') ? readFromCells(item, right) : null;
  if (hasValue(fromRight)) return fromRight!;

  // Nothing to the right: a column header, whose value sits below. Text there counts only when it reads as a
  // value, since it may as well be the next row of the table.
  if (!fromRight) {
    const below = readBelow(grid, occurrence, labelCells);
    if (hasValue(below)) return below!;
  }
  if (fromRight?.some((r) => r.read.status === 'unreadable')) return fromRight;
  return own;
}

/** The first non-empty row under a label, across the label's merged width; null when an item label is there. */
function readBelow(grid: Grid, { item, row, col }: Occurrence, labelCells: Set<string>): FieldRead[] | null {
  let last = col;
  while (grid.covered.has(at(row, last + 1))) last++;
  for (let r = row + 1; r <= row + MAX_BELOW_ROWS; r++) {
    const columns = Array.from({ length: last - col + 1 }, (_, i) => col + i).filter(
      (c) => !grid.covered.has(at(r, c)),
    );
    if (columns.every((c) => !grid.texts.has(at(r, c)))) continue;
    if (columns.some((c) => labelCells.has(at(r, c)))) return null;
    return readFromCells(
      item,
      columns.map((c) => ({ text: grid.texts.get(at(r, c)) ?? '', address: address(r, c) })),
    );
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// The form as a whole

function readForm(grids: Grid[], form: ReportFormCatalogue, where: Pick<Finding, 'document'>): ReportFormResult {
  const perGrid = grids.map((grid) => findOccurrences(grid, form));
  const counts = perGrid.map((occurrences) => new Set(occurrences.map((o) => o.item.item)).size);
  if (counts.every((n) => n === 0)) {
    return {
      header: readHeader(grids, form),
      values: [],
      findings: [
        finding(
          'form.no-items',
          'error',
          '表格中没有找到报告表（附件2）的填报项目（如“1. 直播电商基地建筑面积”），请使用通知所附《经营服务情况报告表》填写。',
          { ...where, messageEn: 'no report-form item label found in any sheet' },
        ),
      ],
    };
  }
  // The visible sheet with the most items comes first; items it lacks are looked for on the other sheets.
  const order = grids
    .map((_, i) => i)
    .sort((a, b) => Number(grids[a]!.hidden) - Number(grids[b]!.hidden) || counts[b]! - counts[a]! || a - b);
  const chosen = new Map<number, FieldRead[]>();
  for (const g of order) {
    const grid = grids[g]!;
    const occurrences = perGrid[g]!;
    const labelCells = new Set(occurrences.map((o) => at(o.row, o.col)));
    const byItem = new Map<number, FieldRead[][]>();
    for (const occurrence of occurrences) {
      if (chosen.has(occurrence.item.item)) continue;
      const reads = readOccurrence(grid, occurrence, labelCells);
      byItem.set(occurrence.item.item, [...(byItem.get(occurrence.item.item) ?? []), reads]);
    }
    for (const [item, candidates] of byItem) {
      // Of several labels for one item (a notes row, a repeated table), the first that carries a value wins.
      const best =
        candidates.find((c) => c.some((r) => r.read.status === 'value')) ??
        candidates.find((c) => c.some((r) => r.read.status === 'unreadable')) ??
        candidates[0]!;
      chosen.set(item, best);
    }
  }

  const values: FormValue[] = [];
  const findings: Finding[] = [];
  for (const item of form.formItems) {
    const reads = chosen.get(item.item);
    item.fields.forEach((field, i) => {
      const fieldRead = reads?.[i];
      const read = fieldRead?.read ?? BLANK;
      const value: FormValue = {
        item: item.item,
        field: field.key,
        label: field.label,
        value: read.status === 'value' ? read.value : null,
        unit: field.kind === 'number' ? field.unit : null,
        raw: read.raw,
      };
      if (fieldRead?.address) value.cell = fieldRead.address;
      values.push(value);
      findings.push(...checkValue(item, field, read, value, where));
    });
  }
  return {
    header: readHeader(
      order.map((g) => grids[g]!),
      form,
    ),
    values,
    findings,
  };
}

function checkValue(
  item: FormItem,
  field: FormField,
  read: Read,
  value: FormValue,
  where: Pick<Finding, 'document'>,
): Finding[] {
  const name = `第${item.item}项“${field.label}”`;
  const place = { ...where, item: item.item };
  if (read.status === 'unreadable') {
    const expected =
      field.kind === 'number'
        ? `数字（单位：${field.unit ?? '无'}）`
        : field.kind === 'yesno'
          ? '“是”或“否”'
          : '表中所列选项（请勾选）';
    return [
      finding('form.value-unreadable', 'warning', `${name}填写为“${read.raw}”，无法识别为${expected}。`, {
        ...place,
        messageEn: `item ${item.item} field ${field.key}: cannot read "${read.raw}"`,
      }),
    ];
  }
  if (read.status !== 'value' || typeof value.value !== 'number') return [];
  const out: Finding[] = [];
  if (read.converted) {
    out.push(
      finding(
        'form.unit-converted',
        'warning',
        `${name}填写为“${read.raw}”，单位与通知要求不符，已换算为${value.value}${field.unit ?? ''}，请核实（通知要求统一以${field.unit ?? ''}为单位填写）。`,
        { ...place, messageEn: `item ${item.item}: "${read.raw}" converted to ${value.value} ${field.unit ?? ''}` },
      ),
    );
  }
  const low = field.min !== undefined && value.value < field.min;
  const high = field.max !== undefined && value.value > field.max;
  if (low || high) {
    const range = `${field.min ?? '-∞'}～${field.max ?? '+∞'}${field.unit ?? ''}`;
    out.push(
      finding(
        'form.out-of-range',
        'warning',
        `${name}为${value.value}${field.unit ?? ''}，超出合理范围（${range}），请核实。`,
        {
          ...place,
          messageEn: `item ${item.item} field ${field.key}: ${value.value} outside ${range}`,
        },
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Header fields

const FOOTNOTE = /[¹²³⁰⁴-⁹*＊※]/g;

function labelKey(text: string): string {
  return keyOf(text.replace(FOOTNOTE, ''));
}

function readHeader(grids: Grid[], form: ReportFormCatalogue): Record<string, string> {
  const byLabel = new Map<string, string>();
  const variants: { text: string; key: string }[] = [];
  for (const field of form.formHeader) {
    for (const label of [field.label, ...field.aliases]) {
      const key = labelKey(label);
      if (!key || byLabel.has(key)) continue;
      byLabel.set(key, field.key);
      variants.push({ text: fold(label).replace(/[\s:：]/g, ''), key: field.key });
    }
  }
  variants.sort((a, b) => b.text.length - a.text.length);
  const inCell =
    variants.length > 0 ? new RegExp(`(${variants.map((v) => escapeRegExp(v.text)).join('|')})\\s*:`, 'g') : null;
  const variantKey = new Map(variants.map((v) => [v.text, v.key]));
  const header: Record<string, string> = {};
  const isLabel = (text: string | undefined): boolean =>
    text !== undefined && (byLabel.has(labelKey(text)) || /^\s*\d{1,2}\s*[.、．]/.test(text));

  for (const grid of grids) {
    for (const row of grid.rows) {
      for (const col of grid.columns.get(row) ?? []) {
        const text = grid.texts.get(at(row, col))!;
        const key = byLabel.get(labelKey(text));
        if (key) {
          if (header[key] === undefined) {
            const value = headerValueNear(grid, row, col, isLabel);
            if (value) header[key] = value;
          }
          continue;
        }
        if (!inCell || /^\s*\d{1,2}\s*[.、．]/.test(text)) continue;
        const folded = fold(text);
        const hits = [...folded.matchAll(inCell)];
        hits.forEach((hit, i) => {
          const field = variantKey.get(hit[1]!);
          if (!field || header[field] !== undefined) return;
          const from = hit.index + hit[0].length;
          const to = hits[i + 1]?.index ?? text.length;
          const value = cleanHeaderValue(text.slice(from, to));
          if (value) header[field] = value;
        });
      }
    }
  }
  return header;
}

function headerValueNear(grid: Grid, row: number, col: number, isLabel: (t: string | undefined) => boolean): string {
  let adjacent: string | undefined;
  let seen = 0;
  for (let c = col + 1; c <= MAX_COLUMNS && seen < 4; c++) {
    if (grid.covered.has(at(row, c))) continue;
    seen++;
    const text = grid.texts.get(at(row, c));
    if (seen === 1) adjacent = text;
    if (text === undefined) continue;
    if (isLabel(text)) break;
    return cleanHeaderValue(text);
  }
  // Labels side by side are a table's column headers: the value is below.
  if (isLabel(adjacent)) {
    const below = grid.texts.get(at(row + 1, col));
    if (below !== undefined && !isLabel(below)) return cleanHeaderValue(below);
  }
  return '';
}

function cleanHeaderValue(text: string): string {
  const value = text.replace(/^[\s:：]+|[\s,，;；]+$/g, '');
  // The blank of 填表时间 in the notice is "   年  月  日".
  return keyOf(value) === '年月日' ? '' : value;
}
