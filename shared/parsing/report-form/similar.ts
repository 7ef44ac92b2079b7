/**
 * A base's own wording for a blank (`带宽`, `日活跃用户数`, `是否有人才引进政策`, `培训场次`) matched to the notice's
 * label it stands for, by the letters they share. A match is taken only when it is clearly better than the best
 * label of any other item; between the blanks of one item, the unit the wording names (场次, 人数, 时长, 金额)
 * decides. Anything less clear stays unmatched: an unread blank is reported, a wrong one is not.
 */
import type { FormField, FormItem } from '../../domain/catalogue.ts';
import { fieldKey, firstLiteralKey, keyOf, labelCore } from './text.ts';

/** Lowest score (0-1) a wording must reach to name a label. */
export const MIN_SIMILARITY = 0.6;
/** Lowest score when the wording names a unit (时长, 场次, 金额) that only some items' blanks have. */
export const MIN_SIMILARITY_WITH_UNIT = 0.45;
/** How far ahead of every other item's best label the chosen one must be. */
export const MIN_MARGIN = 0.12;

/** Words every label has, which say nothing about which blank is meant. */
const GENERIC = /直播电商|基地|数量|是否|的|情况|填报|本基地|数据|数值|信息|工作|指标|名称|内容|项目/g;
/** Words that name a blank's unit rather than what it counts: they decide between an item's blanks. */
const UNIT_WORDS = /场次|场数|次数|人数|人次|时长|小时数|金额|总额|额度/g;

function core(key: string): string {
  const stripped = key.replace(GENERIC, '');
  const withoutUnits = stripped.replace(UNIT_WORDS, '');
  return withoutUnits.length >= 2 ? withoutUnits : stripped;
}

function bigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < text.length; i++) out.add(text.slice(i, i + 2));
  if (text.length === 1) out.add(text);
  return out;
}

interface Shape {
  core: string;
  letters: Set<string>;
  pairs: Set<string>;
}

/** Shapes of the texts compared, labels above all (bounded: the catalogue's labels and the wordings of one file). */
const shapes = new Map<string, Shape>();
const MAX_SHAPES = 5000;

function shapeOf(text: string): Shape {
  let shape = shapes.get(text);
  if (!shape) {
    const c = core(text);
    shape = { core: c, letters: new Set(c), pairs: bigrams(c) };
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(text, shape);
  }
  return shape;
}

/** How well `label` explains `wording`: letters and letter pairs of the wording found in the label, and overlap. */
export function similarity(wording: string, label: string): number {
  const a = shapeOf(wording);
  const b = shapeOf(label);
  if (a.core.length === 0 || b.core.length === 0) return 0;
  let found = 0;
  for (const ch of a.core) if (b.letters.has(ch)) found++;
  const uni = found / a.core.length;
  let shared = 0;
  for (const pair of a.pairs) if (b.pairs.has(pair)) shared++;
  const coverage = shared / a.pairs.size;
  const dice = (2 * shared) / (a.pairs.size + b.pairs.size);
  return (uni + coverage + dice) / 3;
}

/** The unit a wording names for its blank, in the catalogue's units. */
function unitNamed(wording: string): string | null {
  if (/场次|场数|次数|场$/.test(wording)) return '场';
  if (/人数|人次|人$|名单/.test(wording)) return '人';
  if (/时长|小时/.test(wording)) return '小时';
  if (/金额|交易额|销售额|成交额|万元|元$/.test(wording)) return '万元';
  return null;
}

function labelsOf(item: FormItem, field: FormField): string[] {
  const labels = [fieldKey(field)];
  // A one-blank item is also named by its title and its wording.
  if (item.fields.length === 1) labels.push(labelCore(item.label).key, firstLiteralKey(item));
  return labels.filter((label) => label.length >= 2);
}

/** The blank a base's wording names, or null when no label is clearly meant. */
export function similarField(
  text: string,
  items: Iterable<FormItem>,
  /** Wordings that name something else (header fields, section headings). */
  excluded: ReadonlySet<string> = new Set(),
): { item: FormItem; field: number; score: number } | null {
  // The wording is what stands before a colon or the first digit (`培训场次：209场`).
  const wording = keyOf(labelCore(text.split(/[:：]/)[0] ?? '').key.replace(/\d.*$/, ''));
  if (core(wording).length < 2 || /^\d/.test(wording) || excluded.has(wording)) return null;
  const unit = unitNamed(wording);
  // A unit named (`直播时长`: 小时) leaves only the items that have a blank in that unit.
  const all = [...items];
  const withUnit = unit ? all.filter((item) => item.fields.some((f) => f.unit === unit)) : [];
  const candidates = withUnit.length > 0 ? withUnit : all;
  const threshold = withUnit.length > 0 ? MIN_SIMILARITY_WITH_UNIT : MIN_SIMILARITY;
  const scored: { item: FormItem; field: number; score: number; fields: number[] }[] = [];
  for (const item of candidates) {
    const fieldScores = item.fields.map((field) =>
      Math.max(...labelsOf(item, field).map((l) => similarity(wording, l))),
    );
    // The field the named unit picks, if exactly one of the item's blanks has that unit.
    const byUnit = unit ? item.fields.flatMap((f, i) => (f.unit === unit ? [i] : [])) : [];
    const unitField = byUnit.length === 1 ? byUnit[0]! : null;
    let field = fieldScores.indexOf(Math.max(...fieldScores));
    let score = fieldScores[field]!;
    const ranked = [...fieldScores].sort((a, b) => b - a);
    let settled = item.fields.length === 1 || ranked[0]! - ranked[1]! >= MIN_MARGIN;
    if (unitField !== null) {
      // 培训场次 for 累计直播电商培训 (场): the unit names the blank; the item's title may name the item.
      const title = item.fields.length > 1 ? similarity(wording, labelCore(item.label).key) : 0;
      field = unitField;
      score = Math.max(fieldScores[unitField]!, title, score);
      settled = true;
    }
    scored.push({ item, field, score: settled ? score : 0, fields: [field] });
  }
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best || best.score < threshold) return null;
  // The same words as one label (`入驻商家` for 入驻商家数量) name it, unless another item's label is the same too.
  const exact = scored.filter((s) => s.score >= 1);
  const rival = scored.find((s) => s.item !== best.item);
  if (exact.length > 0) return exact.every((s) => s.item === best.item) ? best : null;
  return !rival || best.score - rival.score >= MIN_MARGIN ? best : null;
}
