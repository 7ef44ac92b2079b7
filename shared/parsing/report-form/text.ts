/**
 * Text normalisation for matching labels and reading values: full-width and half-width forms fold to one, keys
 * keep letters and digits only (with the index of each back into the original text), and a label is reduced to
 * what names the blank — without its item number, the evaluation period, 其中, a unit in brackets or a colon.
 */
import type { FormField, FormItem } from '../../domain/catalogue.ts';

/**
 * Same-length normalisation: NFKC where it maps one UTF-16 unit to one (full-width digits and punctuation,
 * ideographic space, superscripts), lower case. Keeping the length keeps indices valid in the original text.
 */
export function fold(text: string): string {
  // ASCII other than capitals and the common CJK ideographs fold to themselves: only the rest is looked at.
  return text.replace(NEEDS_FOLDING, foldUnit);
}

const NEEDS_FOLDING = /[^\u0000-\u0040\u005B-\u007F\u4E00-\u9FFF]/g;

function foldUnit(unit: string): string {
  let folded = FOLDED.get(unit);
  if (folded === undefined) {
    const n = unit.normalize('NFKC').toLowerCase();
    folded = n.length === 1 ? n : unit;
    FOLDED.set(unit, folded);
  }
  return folded;
}

/** Folded form per UTF-16 unit; bounded by the size of the character set actually seen. */
const FOLDED = new Map<string, string>();

/** Letters and digits only, with the index in the original text of each kept unit. */
export interface Keyed {
  key: string;
  /** Index in the original text of key unit i. */
  index: number[];
}

const KEY_CHAR = /[\p{L}\p{N}]/u;

export function keyed(text: string): Keyed {
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

export const keyOf = (text: string): string => keyed(text).key;

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Dates of the evaluation period written in a wording (`2022年9月-2023年8月`, `2022.9-2023.8`) are not values. */
export const PERIOD =
  /\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?(\s*[-~至到—–]+\s*\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?)?|\d{4}\s*[./]\s*\d{1,2}\s*[-~至到—–]+\s*\d{4}\s*[./]\s*\d{1,2}|\d{4}\s*[-~至到—–]\s*\d{4}\s*年度?|\d{4}\s*年度|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月(底|末|份)/g;

/** Units a label may carry in brackets (`入驻商家数量（个）`) or after a slash: not part of what it names. */
const BRACKETED = /[(（【〔[][^()（）【】〔〕[\]]{0,12}[)）】〕\]]/g;

/** An item number at the start of a label: `4.`, `4、`, `(4)`, `（四）` is not one (sections), `第4项`. */
export const LEADING_NUMBER =
  /^\s*(?:第\s*)?[([（【]?\s*(\d{1,2})\s*(?:[)\]）】]\s*[.、,．:：]?|[.、,．:：]|项|\s)(?!\d)/;

/**
 * What a label cell names, as a key: item number, the evaluation period, 其中/其中：, bracketed units and
 * trailing unit words dropped. `4.其中山西老字号商家数量（个）` -> `山西老字号商家数量`.
 */
export function labelCore(text: string): { key: string; number: number | null } {
  let t = fold(text).replace(PERIOD, ' ');
  const numbered = LEADING_NUMBER.exec(t);
  const number = numbered ? Number(numbered[1]) : null;
  if (numbered) t = t.slice(numbered[0].length);
  t = t.replace(BRACKETED, ' ').replace(/^\s*其中\s*[:：,，]?/, '');
  return { key: keyOf(t).replace(/^其中/, ''), number };
}

const wordingKeys = new WeakMap<FormItem, { all: string; first: string }>();

function keysOf(item: FormItem): { all: string; first: string } {
  let keys = wordingKeys.get(item);
  if (!keys) {
    const cut = item.wording.search(/_|□/);
    const first = cut < 0 ? item.wording : item.wording.slice(0, cut);
    keys = { all: keyOf(item.wording), first: keyOf(fold(first).replace(PERIOD, ' ')) };
    wordingKeys.set(item, keys);
  }
  return keys;
}

/** The wording with its blanks and tick boxes dropped, as a key. */
export const wordingKey = (item: FormItem): string => keysOf(item).all;

/** The wording up to its first blank (`直播电商基地建筑面积`), period dropped, as a key. */
export const firstLiteralKey = (item: FormItem): string => keysOf(item).first;

const fieldKeys = new WeakMap<FormField, string>();

/** A field's label as a key, period dropped (`直播电商基地累计交易额`). */
export function fieldKey(field: FormField): string {
  let key = fieldKeys.get(field);
  if (key === undefined) {
    key = keyOf(fold(field.label).replace(PERIOD, ' '));
    fieldKeys.set(field, key);
  }
  return key;
}
