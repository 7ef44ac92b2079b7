/**
 * Finds the report form's items in grids, whatever the layout: a numbered sentence of the notice in a cell
 * (`4. 入驻商家数量 128 个，其中…`, several items in one cell), a label cell with its values to the right (one row
 * per item or one row per blank, with or without an item number in the cell before it), a column header with the
 * value below (survey exports, transposed tables). A label names an item, or only some of its blanks
 * (`其中山西老字号商家数量` is the second blank of item 4): an occurrence says which.
 */
import type { FormItem } from '../../domain/catalogue.ts';
import { at, type Grid } from './model.ts';
import type { ReportFormCatalogue } from './reader.ts';
import { similarField } from './similar.ts';
import { fieldKey, firstLiteralKey, fold, keyOf, labelCore, PERIOD } from './text.ts';
import { isUnitOnly, longestCommonRun, numberTokens, unitKin } from './values.ts';

/** An item label found in a grid: the item, which of its blanks the label introduces, and its text. */
export interface Occurrence {
  item: FormItem;
  /** Indices into `item.fields` of the blanks this label names, in order (all of them for an item label). */
  fields: number[];
  row: number;
  col: number;
  /** The cell's text that belongs to this label: from the label up to the next item's label in the same cell. */
  text: string;
  /** True when the cell holds other items too (then only this text can hold the values). */
  shared: boolean;
  /** sentence: found by its number at the start of the notice's sentence; label: by its wording; item-number: by
   * the number in the cell before it, the wording being the base's own. */
  how: 'sentence' | 'label' | 'item-number';
  /** True when the cell holds the label and nothing else: no value can be in its own text. */
  labelOnly?: boolean;
}

/** The labels of a catalogue, keyed for matching; built once per catalogue. */
export interface LabelIndex {
  items: Map<number, FormItem>;
  /** Every label key (field labels, item titles, wordings up to the first blank) and the items it names. */
  owners: Map<string, Set<number>>;
  /** Keys of section names (基础硬件, 运营服务 ...), header labels (运营机构) and table column headers (填报数据):
   * never an item's label. */
  sections: Set<string>;
}

const indexes = new WeakMap<ReportFormCatalogue, LabelIndex>();

export function labelIndex(form: ReportFormCatalogue): LabelIndex {
  let index = indexes.get(form);
  if (index) return index;
  const owners = new Map<string, Set<number>>();
  const add = (key: string, item: number) => {
    if (key.length < 2) return;
    const set = owners.get(key) ?? new Set<number>();
    set.add(item);
    owners.set(key, set);
  };
  for (const item of form.formItems) {
    add(labelCore(item.label).key, item.item);
    add(firstLiteralKey(item), item.item);
    for (const field of item.fields) add(fieldKey(field), item.item);
  }
  const sections = new Set([
    ...form.formItems.map((item) => keyOf(item.section)),
    ...LEVEL1_SECTIONS.map(keyOf),
    ...TABLE_HEADERS.map(keyOf),
    ...form.formHeader.flatMap((field) => [field.label, ...field.aliases].map(keyOf)),
  ]);
  index = { items: new Map(form.formItems.map((item) => [item.item, item])), owners, sections };
  indexes.set(form, index);
  return index;
}

/** The form's first-level headings (附件2's grey rows), in the words bases use. */
const LEVEL1_SECTIONS = [
  '基地承载能力',
  '承载能力',
  '基地服务能力',
  '服务能力',
  '保障能力',
  '示范能力',
  '附加项',
  '加分项',
];
/** Column headers of the tables bases make (`序号 | 指标名称 | 填报数据 | 单位`): never an item's label. */
const TABLE_HEADERS = [
  '序号',
  '编号',
  '项目',
  '指标',
  '指标名称',
  '评价指标',
  '一级指标',
  '二级指标',
  '三级指标',
  '填报项目',
  '填报内容',
  '内容',
  '数据',
  '数值',
  '填报数据',
  '填报数值',
  '填报值',
  '填写内容',
  '数量',
  '单位',
  '计量单位',
  '备注',
  '说明',
  '是否',
  '选项',
  '勾选',
  '情况',
  '完成情况',
  '基本情况',
  '合计',
  '小计',
  '总计',
];

/** Label keys of an item: its title, its wording up to the first blank, each field's label. */
function itemKeys(item: FormItem): string[] {
  let keys = itemKeyCache.get(item);
  if (!keys) {
    keys = [labelCore(item.label).key, firstLiteralKey(item), ...item.fields.map(fieldKey)].filter(
      (k) => k.length >= 2,
    );
    itemKeyCache.set(item, keys);
  }
  return keys;
}

const itemKeyCache = new WeakMap<FormItem, string[]>();

// An item number where a sentence of the notice starts: `4.`, `4、`, `（4）`, `4 ` — never the `1` of `1.2`, though
// `32.2022年9月…` (the period starts item 32's wording) is one.
const ITEM_NUMBER =
  /(?<![\d.．])[([（【]?\s*(\d{1,2})\s*(?:[)\]）】]\s*[.、,:．]?|[、:：]|(?:[.,．]|\s)(?:(?!\s*\d)|(?=\s*\d{4}\s*年)))/g;

/** Item labels in one cell, found by number + the start of the item's wording, in order. */
function itemsInCell(text: string, index: LabelIndex): { item: FormItem; start: number; end: number }[] {
  const folded = fold(text);
  const found: { item: FormItem; start: number; end: number }[] = [];
  for (const match of folded.matchAll(ITEM_NUMBER)) {
    const item = index.items.get(Number(match[1]));
    if (!item) continue;
    const end = match.index + match[0].length;
    if (wordingFollows(item, text.slice(end, end + 80))) found.push({ item, start: match.index, end });
  }
  return found;
}

/** True when the text after an item number starts with one of the item's labels (its first 4 letters). */
function wordingFollows(item: FormItem, after: string): boolean {
  const head = labelCore(after).key.slice(0, 40);
  return itemKeys(item).some((key) => {
    const size = Math.min(4, key.length);
    const start = key.slice(0, size);
    return head.startsWith(start);
  });
}

/**
 * The blanks of an item a text names by their labels, in order; a label inside another's (`直播电商培训` in
 * `累计直播电商培训`) counts only where it stands alone.
 */
export function namedFields(item: FormItem, text: string): number[] {
  const key = keyOf(fold(text).replace(PERIOD, ' '));
  const spans: { field: number; start: number; end: number }[] = [];
  item.fields.forEach((field, i) => {
    const label = fieldKey(field);
    if (label.length < 2) return;
    for (let from = key.indexOf(label); from >= 0; from = key.indexOf(label, from + 1)) {
      spans.push({ field: i, start: from, end: from + label.length });
    }
  });
  const alone = spans.filter(
    (s) => !spans.some((o) => o !== s && o.start <= s.start && o.end >= s.end && o.end - o.start > s.end - s.start),
  );
  return [...new Set(alone.map((s) => s.field))].sort((a, b) => a - b);
}

/** What a label cell's text names: an item (and which of its blanks), or nothing. */
function matchLabel(
  text: string,
  index: LabelIndex,
  number: number | null,
  /** The unit written in the label's row (`万平方米` in a unit column), if any. */
  rowUnit: string | null = null,
): Omit<Occurrence, 'row' | 'col' | 'text' | 'shared'> | null {
  const { key, number: ownNumber } = labelCore(text);
  const n = ownNumber ?? number;
  if (key.length < 2 || index.sections.has(key)) return null;
  // 1. The cell starts with a label of the notice (whole label, then maybe its value or unit).
  let best: { item: FormItem; length: number } | null = null;
  for (const item of index.items.values()) {
    for (const label of itemKeys(item)) {
      if (!key.startsWith(label) || label.length <= (best?.length ?? 0)) continue;
      best = { item, length: label.length };
    }
  }
  // 2. A label shortened at its start or end (`建筑面积`, `山西老字号`), when only one item has such a label.
  if (!best && key.length >= 4) {
    const owners = new Set<number>();
    for (const [label, items] of index.owners) {
      if (key.length * 5 < label.length * 2) continue; // too small a part of the label to name it
      if (label.endsWith(key) || label.startsWith(key)) for (const item of items) owners.add(item);
    }
    if (owners.size === 1) best = { item: index.items.get([...owners][0]!)!, length: key.length };
  }
  if (best) {
    // A number beside the label that names another item: the label decides only when it is the notice's whole label.
    if (n !== null && n !== best.item.item && best.length < 4) return null;
    const fields = namedFields(best.item, text);
    const shortened = fields.length === 0 && best.length === key.length ? shortenedField(best.item, key) : null;
    return {
      item: best.item,
      fields: shortened !== null ? [shortened] : fields.length > 0 ? fields : best.item.fields.map((_, i) => i),
      how: 'label',
      labelOnly: best.length === key.length,
    };
  }
  // 3. The base's own wording for a blank, when it clearly means one label of the notice.
  const similar = similarField(text, index.items.values(), index.sections);
  if (similar && (n === null || n === similar.item.item)) {
    const colon = /[:：]/.exec(text);
    return {
      item: similar.item,
      fields: [similar.field],
      how: 'label',
      labelOnly: !colon || keyOf(text.slice(colon.index + 1)) === '',
    };
  }
  // 4. The base's own wording beside the item's number (`1 | 园区建筑总面积 | 1.76 | 万平方米`): accepted when it shares a
  //    run of 3 letters with one blank's label or the item's title, or 2 letters of them and the row's unit is the
  //    blank's own; the blank is the one its words, its unit or its 其中 name.
  if (n === null) return null;
  const item = index.items.get(n);
  if (!item) return null;
  const runs = item.fields.map((field) => longestCommonRun(key, fieldKey(field)));
  const top = Math.max(...runs);
  const titled = longestCommonRun(key, labelCore(item.label).key) >= 3;
  const winners = runs.flatMap((run, i) => (run === top && top >= 3 ? [i] : []));
  if (top >= 3 || titled) {
    return {
      item,
      fields: winners.length === 1 ? winners : item.fields.map((_, i) => i),
      how: 'item-number',
      labelOnly: true,
    };
  }
  const shared = new Set([...core2(key)].filter((ch) => itemKeys(item).some((k) => core2(k).includes(ch))));
  const byUnit = rowUnit ? item.fields.flatMap((f, i) => (unitKin(rowUnit, f) ? [i] : [])) : [];
  if (shared.size < 2 || byUnit.length === 0) return null;
  const named = blankNamed(item, text);
  const field =
    item.fields.length === 1
      ? 0
      : named.length === 1
        ? named[0]!
        : /^其中/.test(fold(text).trim()) || /其中/.test(fold(text))
          ? item.fields.length - 1
          : byUnit.length === 1
            ? byUnit[0]!
            : null;
  if (field === null || !byUnit.includes(field)) return null;
  return { item, fields: [field], how: 'item-number', labelOnly: true };
}

/** A label's letters without the words every label has. */
function core2(key: string): string {
  return key.replace(/直播电商|基地|数量|是否|的/g, '');
}

/** The blank of an item the words before a value name (shortened label, likeness, or the unit named), if one. */
function blankNamed(item: FormItem, text: string): number[] {
  const wording = labelCore(text.split(/[:：\d０-９]/)[0] ?? '').key;
  if (wording.length < 2) return [];
  const shortened = shortenedField(item, wording);
  if (shortened !== null) return [shortened];
  const similar = similarField(wording, [item]);
  return similar ? [similar.field] : [];
}

/** The one blank whose label the shortened key is the start or end of, if exactly one. */
function shortenedField(item: FormItem, key: string): number | null {
  const hits = item.fields.flatMap((field, i) => {
    const label = fieldKey(field);
    return label.endsWith(key) || label.startsWith(key) ? [i] : [];
  });
  return hits.length === 1 ? hits[0]! : null;
}

/** A cell that holds only an item number (`4`, `4.`, `第4项`, `（四）` is not one). */
const NUMBER_CELL = /^\s*(?:第\s*)?[([（]?\s*(\d{1,2})\s*[)）]?\s*[.、．]?\s*(?:项)?\s*$/;

/** The item number in the nearest non-empty cell left of a label, if that cell holds only a number. */
function numberBeside(grid: Grid, row: number, col: number): number | null {
  for (let c = col - 1; c >= 1 && c >= col - 2; c--) {
    if (grid.covered.has(at(row, c))) continue;
    const text = grid.texts.get(at(row, c));
    if (text === undefined) continue;
    const m = NUMBER_CELL.exec(fold(text));
    return m ? Number(m[1]) : null;
  }
  return null;
}

const CJK = /[\u4e00-\u9fff]/;

/** The first cell right of a label that holds only a unit (`万平方米`, `个`), as the unit. */
function unitInRow(grid: Grid, row: number, col: number): string | null {
  for (const c of grid.columns.get(row) ?? []) {
    if (c <= col) continue;
    const text = fold(grid.texts.get(at(row, c)) ?? '').trim();
    if (/^[\p{L}%㎡/]{1,5}$/u.test(text) && !/\d/.test(text) && isUnitOnly(text)) return text;
  }
  return null;
}

/** Longest label text considered a label rather than a paragraph of prose (a note that mentions an item). */
const MAX_LABEL_CHARS = 120;

/** All item occurrences in a grid, in reading order. */
export function findOccurrences(grid: Grid, form: ReportFormCatalogue): Occurrence[] {
  const index = labelIndex(form);
  const occurrences: Occurrence[] = [];
  for (const row of grid.rows) {
    for (const col of grid.columns.get(row) ?? []) {
      const text = grid.texts.get(at(row, col))!;
      const found = itemsInCell(text, index);
      if (found.length > 0) {
        for (const [i, hit] of found.entries()) {
          const next = found[i + 1];
          const own = text.slice(hit.end, next ? next.start : text.length);
          const named = namedFields(hit.item, own);
          // `4.其中山西老字号：22个`, `17.直播时长：`: the base's words name one blank of the item.
          // (Only where one value follows: a sentence with a value per blank is the whole item.)
          if (named.length === 0 && hit.item.fields.length > 1 && numberTokens(own).length <= 1) {
            named.push(...blankNamed(hit.item, own));
          }
          occurrences.push({
            item: hit.item,
            fields: named.length > 0 && !coversAll(hit.item, own) ? named : hit.item.fields.map((_, f) => f),
            row,
            col,
            text: own,
            shared: found.length > 1,
            how: 'sentence',
          });
        }
        continue;
      }
      // Every label of the form is Chinese: a cell without a CJK character names no item.
      if (text.length > MAX_LABEL_CHARS || !CJK.test(text) || NUMBER_CELL.test(fold(text))) continue;
      const match = matchLabel(text, index, numberBeside(grid, row, col), unitInRow(grid, row, col));
      // `学习教育：无`: with a colon, the value is what follows it (the label's words are no answer).
      const colon = /[:：]/.exec(text);
      const own = colon && match && match.how !== 'sentence' && !match.labelOnly ? text.slice(colon.index + 1) : text;
      if (match) occurrences.push({ ...match, row, col, text: own, shared: false });
    }
  }
  return occurrences;
}

/** True when a numbered sentence goes on past its first named blank to the item's later blanks (the notice's wording). */
function coversAll(item: FormItem, text: string): boolean {
  return item.fields.length > 1 && namedFields(item, text).length === item.fields.length;
}
