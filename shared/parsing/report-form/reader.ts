/**
 * From grids to values: every item occurrence (see `locate.ts`) is read — its own text first (`…面积 1.2 万平方米`),
 * then the cells to its right up to the next label (note columns skipped), then the cell below a column header —
 * and each blank keeps where its value came from and how it was found. Readings of one blank from several places
 * must agree: when they do not, the blank is left unread and a finding shows both, since a false value is worse
 * than a missing one.
 */
import type { FormField, FormHeaderField, FormItem } from '../../domain/catalogue.ts';
import { type Finding, finding } from '../../domain/findings.ts';
import type { FormValue } from '../../domain/records.ts';
import { readHeader } from './header.ts';
import { findOccurrences, type Occurrence } from './locate.ts';
import { at, type Grid, MAX_COLUMNS, placeOf } from './model.ts';
import { keyOf } from './text.ts';
import {
  BLANK,
  type CellText,
  type FieldRead,
  hasFieldLabel,
  numberTokens,
  type Read,
  readByLabels,
  readFromCells,
} from './values.ts';

/** The catalogue the parser needs: the form's header fields and items (a `Round` fits). */
export interface ReportFormCatalogue {
  formHeader: readonly FormHeaderField[];
  formItems: readonly FormItem[];
}

/** What a report form yields: header fields by key, one value per item field, and findings. */
export interface ReportFormResult {
  /** Header values by key (baseName, cityBureau, contactName ...); only fields found with a value. */
  header: Record<string, string>;
  /** One entry per field of every catalogue item; `value` is null when blank, unreadable or not found. */
  values: FormValue[];
  findings: Finding[];
}

/** How many cells to the right of a label may hold its values. */
const MAX_RIGHT_CELLS = 12;
/** How many rows below a column-header label may hold its value. */
const MAX_BELOW_ROWS = 3;

type How = NonNullable<FormValue['source']>['how'];

/** One reading of one blank, with its provenance. */
interface Reading {
  read: Read;
  place: string;
  how: How;
}

/** Column headers of notes and instructions: their cells are never values. */
const NOTE_HEADER =
  /^(备注|说明|备注说明|填报说明|填写说明|注释|注|数据来源|证明材料|佐证材料|证明材料清单|材料清单|评分标准|计分标准|评分说明|指标说明|统计口径)$/;

function noteColumns(grid: Grid): Set<number> {
  const columns = new Set<number>();
  for (const row of grid.rows) {
    for (const col of grid.columns.get(row) ?? []) {
      if (NOTE_HEADER.test(keyOf(grid.texts.get(at(row, col))!))) columns.add(col);
    }
  }
  return columns;
}

/** An item with only some of its blanks, for reading the blanks a label names. */
function narrowed(item: FormItem, fields: number[]): FormItem {
  return fields.length === item.fields.length ? item : { ...item, fields: fields.map((i) => item.fields[i]!) };
}

const hasValue = (reads: readonly FieldRead[] | null): boolean =>
  reads?.some((r) => r.read.status === 'value') ?? false;

/** Readings of an occurrence's blanks, by index into `item.fields`. */
function readOccurrence(
  grid: Grid,
  occurrence: Occurrence,
  labelCells: Set<string>,
  notes: Set<number>,
): Map<number, Reading> {
  const { item, row, col } = occurrence;
  const target = narrowed(item, occurrence.fields);
  const place = (address: string) => address || placeOf(grid, row, col);
  const result = (reads: FieldRead[], how: How, fields = occurrence.fields): Map<number, Reading> =>
    new Map(
      reads.map((r, i) => [fields[i]!, { read: r.read, place: place(r.address), how: r.byOrder ? 'order' : how }]),
    );
  const labelHow: How = occurrence.how === 'item-number' ? 'item-number' : 'label';

  const context = { sentence: occurrence.how === 'sentence' };
  const own = (
    occurrence.labelOnly ? target.fields.map(() => BLANK) : readNamed(item, occurrence, occurrence.text, context)
  ).map((read) => ({ read, address: placeOf(grid, row, col) }));
  if (hasValue(own) || occurrence.shared) {
    return result(own, occurrence.how === 'sentence' ? 'sentence' : labelHow);
  }

  // The cells to the right, skipping merged-over cells and note columns, up to the next item label.
  const right: CellText[] = [];
  for (let c = col + 1; c <= MAX_COLUMNS && right.length < MAX_RIGHT_CELLS; c++) {
    if (grid.covered.has(at(row, c)) || notes.has(c)) continue;
    if (labelCells.has(at(row, c))) break;
    right.push({ text: grid.texts.get(at(row, c)) ?? '', address: placeOf(grid, row, c), col: c });
  }
  markedByColumn(grid, row, right, target);
  if (right.some((c) => c.text !== '')) {
    // A label naming one blank that is also the item's title (`直播电商培训 | 24场，1260人`) may be followed by all
    // its blanks: taken when the whole item reads complete and each value carries its own blank's unit.
    if (target !== item) {
      const whole = readFromCells(item, right);
      if (whole.every((r, i) => r.read.status === 'value' && carriesOwnUnit(item, i, r.read.raw))) {
        return result(
          whole.map((r) => ({ ...r, byOrder: true as const })),
          labelHow,
          item.fields.map((_, i) => i),
        );
      }
    }
    const joined = right.map((c) => c.text).join(' ');
    const fromRight =
      target !== item && hasOtherLabel(item, occurrence.fields, joined)
        ? readNamed(item, occurrence, joined, {}).map((read) => ({ read, address: right.find((c) => c.text)!.address }))
        : readFromCells(target, right);
    if (hasValue(fromRight) || fromRight.some((r) => r.read.status === 'unreadable')) {
      return result(fromRight, labelHow);
    }
    return result(own, labelHow);
  }
  // Nothing to the right: a column header, whose value sits below. Text there counts only when it reads as a
  // value, since it may as well be the next row of the table.
  const below =
    grid.flow || !inHeaderRow(grid, occurrence, labelCells) ? null : readBelow(grid, occurrence, target, labelCells);
  if (hasValue(below)) return result(below!, 'column-header');
  return result(own, labelHow);
}

/**
 * True when a label stands in a row of column headers (a survey export's questions, a transposed table): another
 * item's label stands in the same row. A label alone in its row with nothing beside it is a list's entry left
 * blank, and the row below belongs to the next entry.
 */
function inHeaderRow(grid: Grid, { row, col }: Occurrence, labelCells: Set<string>): boolean {
  // A label cell that holds its own value (`入驻商家264个`) is an answer beside a label, not a column header.
  if (numberTokens(grid.texts.get(at(row, col)) ?? '').length > 0) return false;
  return (grid.columns.get(row) ?? []).some(
    (c) => c !== col && labelCells.has(at(row, c)) && numberTokens(grid.texts.get(at(row, c)) ?? '').length === 0,
  );
}

/**
 * The blanks an occurrence names, read from a text. When the text also names the item's other blanks
 * (`入驻商家246款，其中山西老字号0家` for the merchants), the whole item is read by its labels and ours are taken,
 * so that another blank's number never lands in ours.
 */
function readNamed(item: FormItem, occurrence: Occurrence, text: string, context: { sentence?: boolean }): Read[] {
  const target = narrowed(item, occurrence.fields);
  if (target === item || !hasOtherLabel(item, occurrence.fields, text)) return readByLabels(target, text, context);
  const whole = readByLabels(item, text, context);
  return occurrence.fields.map((i) => whole[i]!);
}

/** True when a text names a blank of the item other than these (its label, or 其中 that opens a second blank). */
function hasOtherLabel(item: FormItem, fields: number[], text: string): boolean {
  const others = item.fields.filter((_, i) => !fields.includes(i));
  return others.length > 0 && (/其中/.test(text) || hasFieldLabel({ ...item, fields: others }, text));
}

/** A cell holding only a mark: ticked (✓ ✔ √ ● ■ ☑) or not (· × ○ □ -). */
const LONE_MARK = /^\s*[✓✔√●■☑☒✅·×○□☐\-—]\s*$/;
/** A ticked mark, alone or opening a cell (`✔直播代运营` under 其他). */
const TICKED = /^\s*[✓✔√●■☑☒✅]/;

/**
 * Marks kept in a grid of columns (`是 | 否` headers with ✓ under one; an option per column with ● under the ticked
 * ones) become the words they mark: a lone mark takes the header of its column (`否✓`); a row of option names with
 * marks in the row below takes those marks (`仓储物流✓`, unticked names dropped).
 */
function markedByColumn(grid: Grid, row: number, cells: CellText[], item: FormItem): void {
  const field = item.fields[0]!;
  if (field.kind !== 'yesno' && field.kind !== 'ticks') return;
  // Is this header one of the answers the blank takes (是/否, or one of the tick options)?
  const answers = (text: string): boolean =>
    field.kind === 'yesno'
      ? /^(是|否|有|无|没有)$/.test(text)
      : isOptionName(field.options ?? [], text) || /^其他/.test(keyOf(text));
  // Lone marks under a header that names an answer.
  for (const cell of cells) {
    if (!LONE_MARK.test(cell.text) || cell.col === undefined) continue;
    const header = headerAbove(grid, row, cell.col, answers);
    if (header === undefined) continue;
    cell.text = TICKED.test(cell.text) ? `${header}√` : '';
  }
  // A row of option names with their marks in the row below.
  if (field.kind !== 'ticks') return;
  const filled = cells.filter((c) => c.text !== '');
  if (filled.length < 2 || !filled.every((c) => answers(c.text.trim()))) return;
  const below = cells.map((c) => (c.col === undefined ? undefined : grid.texts.get(at(row + 1, c.col))));
  if (!below.some((t) => t !== undefined && LONE_MARK.test(t) && TICKED.test(t))) return;
  cells.forEach((cell, i) => {
    const mark = below[i];
    if (cell.text === '') return;
    if (mark !== undefined && TICKED.test(mark))
      cell.text = `${cell.text}√${mark.replace(/^\s*[✓✔√●■☑☒✅]\s*/, ' ')}`.trim();
    else cell.text = '';
  });
}

/** True when a text names one of the options (whole or as the notice's longer wording of it). */
function isOptionName(options: readonly string[], text: string): boolean {
  const key = keyOf(text);
  return key.length >= 2 && options.some((o) => key.includes(keyOf(o)) || keyOf(o).includes(key));
}

/** The nearest text above a cell in its column that names an answer (a 是/否 column's header), within 60 rows. */
function headerAbove(grid: Grid, row: number, col: number, answers: (text: string) => boolean): string | undefined {
  for (let r = row - 1; r >= Math.max(1, row - 60); r--) {
    const text = grid.texts.get(at(r, col))?.trim();
    if (text === undefined || LONE_MARK.test(text) || !answers(text)) continue;
    // A column header stands in a row of headers (`是 | 否`, or the options side by side), not alone: an answer
    // written in the same column for an item above is no header.
    const headers = (grid.columns.get(r) ?? []).filter((c) => answers(grid.texts.get(at(r, c))?.trim() ?? ''));
    if (headers.length >= 2) return text;
  }
  return undefined;
}

/** True when an item's blanks have different units and this value is written with its blank's own unit. */
function carriesOwnUnit(item: FormItem, field: number, raw: string): boolean {
  const units = item.fields.map((f) => f.unit);
  const unit = units[field];
  return !!unit && new Set(units).size === units.length && raw.includes(unit);
}

/** The first non-empty row under a label, across the label's merged width; null when an item label is there. */
function readBelow(grid: Grid, { row, col }: Occurrence, item: FormItem, labelCells: Set<string>): FieldRead[] | null {
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
      columns.map((c) => ({ text: grid.texts.get(at(r, c)) ?? '', address: placeOf(grid, r, c) })),
    );
  }
  return null;
}

/** Readings of every blank in a set of grids, by `item.field index`. */
function readGrids(
  grids: Grid[],
  form: ReportFormCatalogue,
  itemLabels: Map<Grid, Set<string>>,
): Map<string, Reading[]> {
  const readings = new Map<string, Reading[]>();
  for (const grid of grids) {
    const occurrences = findOccurrences(grid, form);
    const labelCells = new Set(occurrences.map((o) => at(o.row, o.col)));
    itemLabels.set(grid, labelCells);
    const notes = noteColumns(grid);
    for (const occurrence of occurrences) {
      for (const [field, reading] of readOccurrence(grid, occurrence, labelCells, notes)) {
        const key = `${occurrence.item.item}.${field}`;
        readings.set(key, [...(readings.get(key) ?? []), reading]);
      }
    }
  }
  return readings;
}

/** Two values the same (numbers to 9 significant digits, lists as sets). */
function sameValue(a: Read & { status: 'value' }, b: Read & { status: 'value' }): boolean {
  if (typeof a.value === 'number' && typeof b.value === 'number') {
    return Math.abs(a.value - b.value) <= 1e-9 * Math.max(1, Math.abs(a.value), Math.abs(b.value));
  }
  if (Array.isArray(a.value) && Array.isArray(b.value)) {
    return [...a.value].sort().join('\u0000') === [...b.value].sort().join('\u0000');
  }
  return a.value === b.value;
}

/** The outcome for one blank from all its readings. */
type Decision = { reading: Reading | null; conflict?: Reading[] };

function decide(readings: Reading[] | undefined): Decision {
  if (!readings || readings.length === 0) return { reading: null };
  const values = readings.filter((r): r is Reading & { read: Read & { status: 'value' } } => r.read.status === 'value');
  if (values.length > 0) {
    const distinct = values.filter((v, i) => values.findIndex((w) => sameValue(v.read, w.read)) === i);
    if (distinct.length > 1) return { reading: null, conflict: distinct };
    return { reading: values[0]! };
  }
  return { reading: readings.find((r) => r.read.status === 'unreadable') ?? readings[0]! };
}

/** Reads the form from the grids of one source. `lowConfidence` marks every value for a person to confirm (OCR). */
export function readForm(
  grids: Grid[],
  form: ReportFormCatalogue,
  where: Pick<Finding, 'document'>,
  opts: { lowConfidence?: boolean } = {},
): ReportFormResult {
  // Visible sheets are read together; hidden ones (an old copy of the form) only for blanks the visible lack.
  const visible = grids.filter((g) => !g.hidden);
  const hidden = grids.filter((g) => g.hidden);
  const itemLabels = new Map<Grid, Set<string>>();
  const main = readGrids(visible, form, itemLabels);
  const spare = hidden.length > 0 ? readGrids(hidden, form, itemLabels) : new Map<string, Reading[]>();
  if (main.size === 0 && spare.size === 0) {
    return {
      header: readHeader(grids, form, itemLabels),
      values: [],
      findings: [
        finding(
          'form.no-items',
          '文件中没有找到报告表（附件2）的填报项目（如“1. 直播电商基地建筑面积”），请使用通知所附《经营服务情况报告表》填写。',
          { ...where, messageEn: 'no report-form item label found' },
        ),
      ],
    };
  }

  const values: FormValue[] = [];
  const findings: Finding[] = [];
  const confidence = opts.lowConfidence ? 'low' : 'high';
  for (const item of form.formItems) {
    item.fields.forEach((field, i) => {
      const key = `${item.item}.${i}`;
      let decision = decide(main.get(key));
      // Spare grids (hidden sheets, a PDF's lines beside its paragraphs) only for blanks the others never found.
      if (!decision.reading && !decision.conflict && spare.has(key)) {
        const fromHidden = decide(spare.get(key));
        if (fromHidden.reading?.read.status === 'value') decision = fromHidden;
      }
      let read = decision.reading?.read ?? BLANK;
      // A tick item found with nothing ticked in it (an empty answer cell): no option claimed.
      if (field.kind === 'ticks' && decision.reading && read.status === 'blank') {
        read = { status: 'value', value: [], raw: read.raw };
      }
      const value: FormValue = {
        item: item.item,
        field: field.key,
        label: field.label,
        value: read.status === 'value' ? read.value : null,
        unit: field.kind === 'number' ? field.unit : null,
        raw: read.raw,
      };
      if (decision.reading) value.cell = decision.reading.place;
      if (read.status === 'value' && decision.reading) {
        value.source = { place: decision.reading.place, how: decision.reading.how, confidence };
      }
      values.push(value);
      if (decision.conflict) findings.push(conflictFinding(item, field, decision.conflict, where));
      findings.push(...checkValue(item, field, read, value, where));
    });
  }
  if (opts.lowConfidence) {
    const read = values.filter((v) => v.value !== null).length;
    if (read > 0) {
      findings.push(
        finding('form.low-confidence', `报告表为扫描件，${read}个填报值由文字识别（OCR）读出，请核实后确认。`, {
          ...where,
          messageEn: `${read} values read by OCR from a scanned form: to be confirmed by staff`,
        }),
      );
    }
  }
  return { header: readHeader([...visible, ...hidden], form, itemLabels), values, findings };
}

function conflictFinding(
  item: FormItem,
  field: FormField,
  readings: Reading[],
  where: Pick<Finding, 'document'>,
): Finding {
  const shown = readings.map((r) => `${r.place}“${r.read.raw}”`).join('；');
  return finding(
    'form.value-conflict',
    `第${item.item}项“${field.label}”在表中有不一致的填写（${shown}），系统未采用任何一个，请核实。`,
    {
      document: where.document,
      item: item.item,
      messageEn: `item ${item.item} field ${field.key}: readings disagree (${readings.map((r) => `${r.place}=${r.read.raw}`).join('; ')}); left unread`,
    },
  );
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
      finding('form.value-unreadable', `${name}填写为“${read.raw}”，无法识别为${expected}。`, {
        ...place,
        messageEn: `item ${item.item} field ${field.key}: cannot read "${read.raw}"`,
      }),
    ];
  }
  if (read.status === 'value' && read.claimedWithoutOptions) {
    return [
      finding(
        'form.ticks-claimed',
        `${name}填写为“${read.raw}”，未勾选具体选项：按已开展计，请基地在报告表中勾选具体做法（${(field.options ?? []).join('、')}）。`,
        {
          ...place,
          messageEn: `item ${item.item}: answered "${read.raw}" without ticking options; counted as claimed`,
        },
      ),
    ];
  }
  if (read.status !== 'value' || typeof value.value !== 'number') return [];
  const out: Finding[] = [];
  if (read.converted) {
    out.push(
      finding(
        'form.unit-converted',
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
      finding('form.out-of-range', `${name}为${value.value}${field.unit ?? ''}，超出合理范围（${range}），请核实。`, {
        ...place,
        messageEn: `item ${item.item} field ${field.key}: ${value.value} outside ${range}`,
      }),
    );
  }
  return out;
}
