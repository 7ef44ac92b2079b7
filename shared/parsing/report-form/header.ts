/**
 * The report form's header block: 基地名称, 地址与范围, 市商务局, 运营机构, the contact's fields and 填表时间, by label
 * (the notice's or a known alias), with the value in the next cell, below a row of labels, or in the same cell
 * after a colon.
 */

import { at, type Grid, MAX_COLUMNS } from './model.ts';
import type { ReportFormCatalogue } from './reader.ts';
import { escapeRegExp, fold, keyOf } from './text.ts';
import { isEmptyMarker } from './values.ts';

const FOOTNOTE = /[¹²³⁰⁴-⁹*＊※]/g;

function labelKey(text: string): string {
  // `申报单位（盖章）：` is the label 申报单位: what stands in brackets is an instruction.
  return keyOf(text.replace(FOOTNOTE, '').replace(/[(（][^()（）]{1,8}[)）]/g, ''));
}

/** The header fields (基地名称, 市商务局, 联系人 ...) found by their labels, with the value beside or below. */
export function readHeader(
  grids: Grid[],
  form: ReportFormCatalogue,
  itemLabels: ReadonlyMap<Grid, ReadonlySet<string>> = new Map(),
): Record<string, string> {
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
    const items = itemLabels.get(grid);
    // A cell is a label when it names a header field, starts with an item number, or is an item's label.
    const isLabelAt = (r: number, c: number): boolean =>
      items?.has(at(r, c)) === true || isLabel(grid.texts.get(at(r, c)));
    for (const row of grid.rows) {
      for (const col of grid.columns.get(row) ?? []) {
        const text = grid.texts.get(at(row, col))!;
        const key = byLabel.get(labelKey(text));
        if (key) {
          if (header[key] === undefined) {
            const value = headerValueNear(grid, row, col, isLabelAt);
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

function headerValueNear(grid: Grid, row: number, col: number, isLabelAt: (r: number, c: number) => boolean): string {
  let adjacent: number | undefined;
  let seen = 0;
  for (let c = col + 1; c <= MAX_COLUMNS && seen < 4; c++) {
    if (grid.covered.has(at(row, c))) continue;
    seen++;
    const text = grid.texts.get(at(row, c));
    if (seen === 1) adjacent = c;
    if (text === undefined) continue;
    if (isLabelAt(row, c)) break;
    return cleanHeaderValue(text);
  }
  // Labels side by side are a table's column headers: the value is below.
  if (adjacent !== undefined && isLabelAt(row, adjacent)) {
    const below = grid.texts.get(at(row + 1, col));
    if (below !== undefined && !isLabelAt(row + 1, col)) return cleanHeaderValue(below);
  }
  return '';
}

function cleanHeaderValue(text: string): string {
  const value = text.replace(/^[\s:：]+|[\s,，;；]+$/g, '');
  if (isEmptyMarker(value)) return ''; // a survey tool's (空)
  // The blank of 填表时间 in the notice is "   年  月  日".
  return keyOf(value) === '年月日' ? '' : value;
}
