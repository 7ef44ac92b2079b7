/**
 * Value parsing: what a base wrote in a blank, as the notice means it. Numbers with their units (typed units
 * converted to the notice's, with a finding), full-width digits, thousands separators, 约 and 无; 是/否 as words or
 * boxes; tick lists as boxes (☑ ☐ ■ □ √ [x]), as words (`仓储物流、客服托管`) or a survey tool's `┋`. Every parse says
 * whether it found a value, a blank or something it cannot read — never a guess.
 */
import type { FormField, FormItem } from '../../domain/catalogue.ts';
import { escapeRegExp, fold, keyed, keyOf, PERIOD, wordingKey } from './text.ts';

export type Value = number | boolean | string[] | string;

/** The outcome of reading one field from one place. */
export type Read =
  | {
      status: 'value';
      value: Value;
      raw: string;
      converted?: { from: string };
      /** A tick item answered 是 without naming its options: claimed, for staff to see which. */
      claimedWithoutOptions?: true;
    }
  | { status: 'blank'; raw: string }
  | { status: 'unreadable'; raw: string };

export interface FieldRead {
  read: Read;
  address: string;
  /** Set when several blanks were read from one piece of text by their order alone. */
  byOrder?: true;
}

export /** Removes binary floating-point noise (0.30000000000000004 -> 0.3). */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

export const BLANK: Read = { status: 'blank', raw: '' };

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

const NUMBER = new RegExp(
  `(-)?(\\d+(?:,\\d{3})+(?:\\.\\d+)?|\\d*\\.\\d+|\\d+)\\s*(${UNIT_WORDS.map(escapeRegExp).join('|')})?`,
  'g',
);
/** Words that may surround a blank without being a value. */
const FILLER = /其中|单位|约|大约|近|共|合计|累计|总计|超过|以上|左右|余|计/g;
const UNIT_FILLER = new RegExp(UNIT_WORDS.map(escapeRegExp).join('|'), 'g');
export const NONE_WORDS = /^(无|没有|暂无|零|0)$/;

/** The template's hint of a yes/no blank (`是/否`, `（是或否）`, `是□ 否□`): not an answer. */
export function isYesNoHint(text: string): boolean {
  return /^[(（[]?\s*是\s*[□☐]?\s*[/／、|｜或\s]\s*否\s*[□☐]?[)）\]]?$/.test(fold(text).trim());
}

/** What survey tools and people write for "no answer": `(空)`, `（跳过）`, `-`, `/`. */
export function isEmptyMarker(text: string): boolean {
  return /^[(（[【]?\s*(空|跳过|未填|未填写|\(空\))\s*[)）\]】]?$/.test(fold(text).trim());
}

/** A column beside a tick answer that only says how to answer (`多选`, `可多选`, `—`). */
export function isTickHint(text: string): boolean {
  return /^[(（[]?\s*(可?多选|单选|请?勾选|多项选择|[—–\-/]+)\s*[)）\]]?$/.test(fold(text).trim());
}

/** True for text that holds nothing but units, filler words and punctuation. */
export function isUnitOnly(text: string): boolean {
  if (isYesNoHint(text)) return true;
  const folded = fold(text);
  const marks = folded.replace(/[\s,;。.:_＿()、]/g, '');
  return marks !== '' && !/\d/.test(marks) && !MARK.test(marks) && stripFiller(folded) === '';
}

function stripFiller(folded: string): string {
  return keyOf(folded.replace(UNIT_FILLER, ' ').replace(FILLER, ' '));
}

export function cleanRaw(text: string): string {
  return text.replace(/^[\s_＿:：,，;；。.、)）]+|[\s_＿:：,，;；。、(（]+(其中[\s:：]*)?$/g, '');
}

/** The numbers of a text in order; numbers in brackets (`（含兼职20人）`) only when there are no others. */
export function numberTokens(text: string): { value: number; unit: string; raw: string }[] {
  const blank = (m: string) => ' '.repeat(m.length);
  const folded = fold(text)
    .replace(PERIOD, blank)
    // An item number opening the text (`6、主播：301人`) and a calendar year (`2017年开园`) are no values.
    .replace(LEADING_ITEM_NUMBER, blank)
    .replace(CALENDAR_YEAR, blank);
  const outside = tokensOf(text, folded.replace(/\([^()]*\)|\[[^[\]]*\]|【[^【】]*】/g, blank));
  return outside.length > 0 ? outside : tokensOf(text, folded);
}

/** `4.`, `（6）`, `6、` at the start of a text, not followed by a digit (`1.2` is a number). */
const LEADING_ITEM_NUMBER = /^\s*(?:第\s*)?[([]?\s*\d{1,2}\s*(?:[)\]]\s*[.、,:．]?|[.、,:．项](?!\s*\d))/;
/** A year of the calendar followed by 年 (`2017年开园`, `2020年起`): a date, not a count of years. */
const CALENDAR_YEAR = /(?<![\d.])(?:19|20)\d{2}\s*年/g;
/** Two numbers joined as a range (`20-30人`, `240~300Mbps`, `90至112`): no single value was given. */
const RANGE = /\d\s*(?:[-~～—–至到]|－)\s*\d/;

/** True when a text gives a range of numbers rather than one (the evaluation period is no range). */
function isRange(text: string): boolean {
  return RANGE.test(fold(text).replace(PERIOD, ' ').replace(CALENDAR_YEAR, ' '));
}

function tokensOf(text: string, folded: string): { value: number; unit: string; raw: string }[] {
  const tokens: { value: number; unit: string; raw: string }[] = [];
  for (const m of folded.matchAll(NUMBER)) {
    // A minus sign only opens a text: elsewhere a dash joins a range or a date.
    const negative = m[1] !== undefined && folded.slice(0, m.index).trim() === '';
    const value = Number(m[2]!.replace(/,/g, '')) * (negative ? -1 : 1);
    if (!Number.isFinite(value)) continue;
    tokens.push({ value, unit: m[3] ?? '', raw: text.slice(m.index, m.index + m[0].length) });
  }
  return tokens;
}

export function numberRead(field: FormField, token: { value: number; unit: string; raw: string }, raw: string): Read {
  const factor = field.unit ? CONVERSIONS[field.unit]?.[token.unit] : undefined;
  if (factor === undefined || factor === 1) return { status: 'value', value: tidy(token.value), raw };
  return { status: 'value', value: tidy(token.value * factor), raw, converted: { from: token.unit } };
}

export function readNumber(field: FormField, text: string, siblings: readonly FormField[] = []): Read {
  const raw = cleanRaw(text);
  if (isRange(text)) return { status: 'unreadable', raw };
  // Numbers written in another blank's unit (`992h` for a count of sessions, `18场` for the trainees of item 13)
  // are not this blank's.
  const sibling = (unit: string) => siblings.some((f) => f !== field && unitKin(unit, f) && !unitKin(unit, field));
  const tokens = numberTokens(text).filter((t) => !unitForeign(t.unit, field) && !sibling(t.unit));
  // Several numbers for one blank (`24场，1260人次` for the trainees): the one in the blank's own unit, else the first.
  const inUnit = tokens.length > 1 ? tokens.filter((t) => unitKin(t.unit, field)) : [];
  const token = inUnit.length === 1 ? inUnit[0] : tokens[0];
  // A year of the calendar in the years blank (`2020.5至今`) is when it opened, not for how long.
  if (token && field.unit === '年' && token.value >= 1900 && token.value <= 2100) return { status: 'unreadable', raw };
  if (token) return numberRead(field, token, inUnit.length === 1 ? token.raw.trim() : raw);
  if (numberTokens(text).length > 0) return { status: 'unreadable', raw };
  const folded = fold(text).replace(PERIOD, ' ').replace(FILLER, ' ');
  // Only the field's own unit counts as part of an empty blank: 千兆 or 亿元 without a number is an answer.
  const own = field.unit && COUNT_UNITS.includes(field.unit) ? COUNT_UNITS : [fold(field.unit ?? '')];
  const rest = keyOf(own.reduce((t, unit) => (unit ? t.split(unit).join(' ') : t), folded));
  if (rest === '') return { status: 'blank', raw };
  if (NONE_WORDS.test(rest)) return { status: 'value', value: 0, raw };
  const bandwidth = field.unit === 'Mbps' ? /(?<![一二两三四五六七八九十百千万零〇])([百千万])兆/.exec(folded) : null;
  if (bandwidth) {
    const value = { 百: 100, 千: 1000, 万: 10000 }[bandwidth[1] as '百' | '千' | '万'];
    return { status: 'value', value, raw, converted: { from: bandwidth[0] } };
  }
  return { status: 'unreadable', raw };
}

/** Units that count the same thing as a blank's unit (人次 for 人, 家 for 个, h for 小时). */
const UNIT_KIN: Record<string, readonly string[]> = {
  人: ['人', '人次', '名', '位'],
  场: ['场', '场次', '次'],
  个: ['个', '家', '项', '款', '件', '种'],
  间: ['间', '个'],
  小时: ['小时', 'h', '时'],
  万元: ['万元', '元', '亿元', '千元', '万', '亿'],
  万平方米: ['万平方米', '万平米', '万㎡', '万m2', '平方米', '平米', '㎡', 'm2', '平方'],
  Mbps: ['mbps', 'gbps', 'kbps', 'mb/s', '千兆', '万兆', '兆', 'm', 'g'],
  '%': ['%'],
  年: ['年', '个月', '月'],
};

/** True when a typed unit counts what this blank counts. */
export function unitKin(unit: string, field: FormField): boolean {
  if (!unit || !field.unit) return false;
  return (UNIT_KIN[field.unit] ?? [field.unit]).includes(fold(unit));
}

/** True when a typed unit is one of the form's units that this blank does not take (`h` for sessions). */
function unitForeign(unit: string, field: FormField): boolean {
  if (!unit || !field.unit || unitKin(unit, field)) return false;
  const folded = fold(unit);
  // Bases count anything in 个, 人 or 场: among counts a unit is no proof of another blank.
  const counts = ['人', '场', '个', '间'];
  const countWord = counts.some((c) => UNIT_KIN[c]!.includes(folded));
  if (counts.includes(field.unit) && countWord) return false;
  return Object.entries(UNIT_KIN).some(([own, kin]) => own !== field.unit && kin.includes(folded));
}

/** True when a typed unit names this blank's unit (its own, or one converted to it), not a count word shared by all. */
function unitNames(unit: string, field: FormField): boolean {
  if (!unit || !field.unit) return false;
  const folded = fold(unit);
  if (folded === fold(field.unit)) return true;
  return (
    CONVERSIONS[field.unit]?.[folded] !== undefined &&
    !COUNT_UNITS.includes(folded) &&
    folded !== '万' &&
    folded !== '千'
  );
}

/** Count units a base uses interchangeably (个 for 人, 次 for 场). */
export const COUNT_UNITS = ['人次', '场次', '个', '间', '人', '名', '位', '家', '场', '次'];

// Tick marks. Boxes stand before their option; check marks may stand on either side (是√ / √是).
const BOX_ON = '☑☒■▣◼▪✅●◉';
const BOX_OFF = '☐□▢◻○◯';
const CHECK = '√✓✔';
export const MARK = new RegExp(`[${BOX_ON}${BOX_OFF}${CHECK}]`);
const EDGE = /^[\s,，;；、。.:：_＿]+|[\s,，;；、。.:：_＿]+$/g;

interface Choice {
  text: string;
  checked: boolean;
  /** True when some mark (ticked or not) stands by this option. */
  marked: boolean;
}

/** Between options: whitespace and the semicolons and full stops that end an option of the notice. */
const OPTION_BREAK = /[\s;；。]/;

/**
 * The options of a text with tick marks, in order, with whether each is ticked; null when it has no marks.
 * A mark belongs to the option it is written against: `☑仓储物流`, `是√`, `√建立了相关机制和制度；`. Where a mark
 * stands apart from both neighbours (`是 √ 否`), boxes go with the option after them, and check marks follow the
 * way the rest of the text places its marks.
 */
export function markedChoices(text: string): Choice[] | null {
  const t = fold(text)
    // (√) and [x] mark the option they stand next to, on either side; ( ) is an empty box.
    .replace(/[([]\s*[√✓✔x]\s*[)\]]/g, '√')
    .replace(/[([]\s*[)\]]/g, '☐');
  if (!MARK.test(t)) return null;
  type Mark = { kind: 'on' | 'off' | 'check'; breakBefore: boolean; breakAfter: boolean };
  type Token = { mark: Mark } | { word: Choice };
  const tokens: Token[] = [];
  let buffer = '';
  const flush = () => {
    const word = buffer.replace(EDGE, '');
    if (word) tokens.push({ word: { text: word, checked: false, marked: false } });
    buffer = '';
  };
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    const kind = BOX_ON.includes(ch) ? 'on' : BOX_OFF.includes(ch) ? 'off' : CHECK.includes(ch) ? 'check' : null;
    if (kind) {
      flush();
      const before = i === 0 || OPTION_BREAK.test(t[i - 1]!) || MARK.test(t[i - 1]!);
      const after = i === t.length - 1 || OPTION_BREAK.test(t[i + 1]!) || MARK.test(t[i + 1]!);
      tokens.push({ mark: { kind, breakBefore: before, breakAfter: after } });
    } else if (OPTION_BREAK.test(ch)) {
      flush();
    } else {
      buffer += ch;
    }
  }
  flush();

  const wordAt = (i: number): Choice | undefined => {
    const token = tokens[i];
    return token && 'word' in token ? token.word : undefined;
  };
  // How the unambiguous marks of this text stand: before their option or after it.
  let before = 0;
  let after = 0;
  tokens.forEach((token, i) => {
    if (!('mark' in token)) return;
    if (!token.mark.breakBefore && token.mark.breakAfter && wordAt(i - 1)) after++;
    else if (token.mark.breakBefore && !token.mark.breakAfter && wordAt(i + 1)) before++;
  });
  const orphans: Choice[] = [];
  tokens.forEach((token, i) => {
    if (!('mark' in token)) return;
    const { kind, breakBefore, breakAfter } = token.mark;
    const prev = wordAt(i - 1);
    const next = wordAt(i + 1);
    let target: Choice | undefined;
    if (prev && !breakBefore && (breakAfter || !next)) target = prev;
    else if (next && !breakAfter && (breakBefore || !prev)) target = next;
    else if (kind !== 'check')
      target = next ?? prev; // □是■否: a box stands before its option
    else if (prev && !breakBefore)
      target = prev; // 是√否: a check glued on both sides marks the one before
    else target = after > before ? (prev ?? next) : before > after ? (next ?? prev) : (prev ?? next);
    if (!target) {
      if (kind !== 'off') orphans.push({ text: '', checked: true, marked: true });
      return;
    }
    target.marked = true;
    if (kind !== 'off') target.checked = true;
  });
  return [...tokens.flatMap((token) => ('word' in token ? [token.word] : [])), ...orphans];
}

const YES = /^(是|有|已|对|yes|y|true|√|✓|✔)/;
const NO = /^(否|无|没有|未|不|no|n|false|×|✗|x)/;

export function yesNoWord(text: string): boolean | null {
  const key = keyOf(text.replace(/是否/g, '')) || text.trim();
  if (key === '1') return true;
  if (key === '0') return false;
  if (YES.test(key)) return true;
  if (NO.test(key)) return false;
  return null;
}

export function readYesNo(text: string): Read {
  const raw = cleanRaw(text);
  if (isYesNoHint(text)) return { status: 'blank', raw };
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
    // Words in order, negations first (没有 is no 有); more words than blanks cannot be placed.
    const words =
      fold(text)
        .replace(/是否/g, ' ')
        .match(/没有|尚未|未|不是|否|无|是|有/g) ?? [];
    if (words.length > count)
      return Array.from({ length: count }, () => ({ status: 'unreadable', raw: cleanRaw(text) }) as Read);
    for (const word of words) reads.push({ status: 'value', value: word === '是' || word === '有', raw: word });
  }
  return Array.from({ length: count }, (_, i) => reads[i] ?? BLANK);
}

export function readTicks(field: FormField, text: string, wording: string, sentence = false): Read {
  const raw = cleanRaw(text);
  const choices = markedChoices(text);
  if (!choices && isYesNoHint(text)) return { status: 'blank', raw };
  // 是/否 for a tick item (Annex 1 gives items 23-26 the unit 是/否): 否 ticks nothing; 是 claims it without
  // saying which options, which staff see in a finding.
  const word = choices ? '' : keyOf(text);
  if (word === '否' || word === '无' || word === '没有' || (!choices && /^[—–\-/]+$/.test(text.trim()))) {
    return { status: 'value', value: [], raw };
  }
  if (word === '是' || word === '有') return { status: 'value', value: ['是'], raw, claimedWithoutOptions: true };
  if (choices) mergeOtherText(choices, field.options ?? []);
  const picked = choices
    ? choices.filter((c) => c.checked).map((c) => c.text)
    : fold(text)
        .split(/[、,，;；/|｜┋¦\s]+/)
        .map((s) => s.replace(EDGE, ''))
        .filter((s) => s !== '');
  if (picked.length === 0) {
    return choices || keyOf(text) === '' ? { status: 'blank', raw } : { status: 'unreadable', raw };
  }
  // The notice's own sentence, every option (and 其他) still there and none marked: nothing was ticked. Typed
  // answers name some options, or leave out the 其他 the template carries.
  if (!choices && sentence && isTemplateOptions(field, text, wording)) return { status: 'value', value: [], raw };
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
      const detail = text
        .replace(/^[^:：]*其他(服务|领域|新技术领域|技术领域|技术)?[\s:：_＿]*/, '')
        .replace(/^[〖【(（[「]\s*|\s*[〗】)）\]」]$/g, '')
        .replace(EDGE, '');
      if (field.otherText) others.push(detail ? `其他：${detail}` : '其他');
      continue;
    }
    if (others.at(-1) === '其他' && bestOption(key, options) === undefined) {
      others[others.length - 1] = `其他：${text}`; // `其他 冷链配送`: the text written after 其他
      continue;
    }
    const option = bestOption(key, options);
    if (option !== undefined) ticked.add(option);
    else if (wording.includes(key))
      continue; // a piece of the notice's own wording, not an answer
    else if (field.otherText && choices)
      others.push(`其他：${text}`); // ticked, but none of the listed options
    else unknown++;
  }
  // Words that name no option (and are no 其他): the list cannot be read whole, so none of it is taken.
  if (unknown > 0 && !choices) return { status: 'unreadable', raw };
  if (ticked.size === 0 && others.length === 0) return { status: 'blank', raw };
  return { status: 'value', value: [...options.filter((o) => ticked.has(o)), ...others], raw };
}

/** `☑其他服务 法律咨询`: the unmarked words after a ticked 其他 that name no option are its text. */
function mergeOtherText(choices: Choice[], options: readonly string[]): void {
  for (let i = 0; i < choices.length - 1; i++) {
    const other = choices[i]!;
    if (!other.checked || !/^其他/.test(keyOf(other.text))) continue;
    while (i + 1 < choices.length) {
      const next = choices[i + 1]!;
      if (next.marked || bestOption(keyOf(next.text), options) !== undefined) break;
      other.text = `${other.text}：${next.text}`;
      choices.splice(i + 1, 1);
    }
  }
}

function isTemplateOptions(field: FormField, text: string, wording: string): boolean {
  const key = keyOf(text);
  if (!wording.includes(key)) return false;
  const options = field.options ?? [];
  const all = options.every((option) => bestOption(keyOf(option), [option]) !== undefined && hasOption(key, option));
  return all && (!field.otherText || /其他/.test(key));
}

/** True when a text names an option (whole, or by a run of 4 letters of it). */
function hasOption(key: string, option: string): boolean {
  const optionKey = keyOf(option);
  return key.includes(optionKey) || longestCommonRun(key, optionKey) >= Math.min(4, optionKey.length);
}

/** The option a ticked text means: containment either way, else the longest shared run of at least 4 letters. */
function bestOption(key: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const option of options) {
    const optionKey = keyOf(option);
    let score = 0;
    if (key.includes(optionKey) || (key.length >= 2 && optionKey.includes(key))) score = 1000 + optionKey.length;
    // 咨询及培训 for 咨询培训, 生态圈建设 for 生态建设: the option's letters in order, with at most 2 more.
    else if (optionKey.length >= 4 && key.length <= optionKey.length + 2 && isSubsequence(optionKey, key)) {
      score = 500 + optionKey.length;
    } else {
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

/** True when the letters of `short` stand in `long` in the same order. */
function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/** Length of the longest run of letters two keys share. */
export function longestCommonRun(a: string, b: string): number {
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

/** Where a text was found: `sentence` when it is the notice's own sentence with the blanks filled in. */
export interface ReadContext {
  sentence?: boolean;
}

export function readField(item: FormItem, field: FormField, text: string, context: ReadContext = {}): Read {
  if (isEmptyMarker(text)) return { status: 'blank', raw: cleanRaw(text) };
  switch (field.kind) {
    case 'number':
      return readNumber(field, text, item.fields);
    case 'yesno':
      return readYesNo(text);
    case 'ticks':
      return readTicks(field, text, wordingKey(item), context.sentence ?? false);
    default: {
      const raw = cleanRaw(text);
      return raw ? { status: 'value', value: raw, raw } : { status: 'blank', raw };
    }
  }
}

/** Several fields of one kind read from one piece of text, by order (no field labels to go by). */
export function readSeries(
  item: FormItem,
  fields: readonly FormField[],
  text: string,
  context: ReadContext = {},
): Read[] {
  const first = fields[0]!;
  if (fields.length === 1) return [readField(item, first, text, context)];
  if (fields.every((f) => f.kind === 'number')) {
    if (isRange(text)) return fields.map(() => ({ status: 'unreadable', raw: cleanRaw(text) }) as Read);
    const tokens = numberTokens(text);
    if (tokens.length === 0) return fields.map((f, i) => (i === 0 ? readNumber(f, text) : BLANK));
    // Fewer numbers than blanks (`直播时长 19440 小时` for 场 and 小时): a number goes where its unit says; one
    // without a telling unit goes to the next blank in order.
    if (tokens.length < fields.length) {
      const reads: Read[] = fields.map(() => BLANK);
      let next = 0;
      for (const token of tokens) {
        const byUnit = fields.flatMap((f, i) => (reads[i] === BLANK && unitNames(token.unit, f) ? [i] : []));
        const target = byUnit.length === 1 ? byUnit[0]! : next < fields.length ? next : -1;
        if (target < 0) break;
        reads[target] = numberRead(fields[target]!, token, token.raw.trim());
        next = Math.max(next, target + 1);
      }
      return reads;
    }
    return fields.map((f, i) => {
      const token = tokens[i];
      return token ? numberRead(f, token, token.raw.trim()) : BLANK;
    });
  }
  if (fields.every((f) => f.kind === 'yesno')) return readYesNoSeries(text, fields.length);
  return fields.map((f, i) => (i === 0 ? readField(item, f, text, context) : BLANK));
}

/**
 * Reads an item's fields from a text that may carry the fields' labels (`入驻商家数量：120个，其中山西老字号商家数量：
 * 8个`): each field's value is what follows its label up to the next label; fields whose label is missing share
 * the text before the next label found, in order.
 */
export function readByLabels(item: FormItem, text: string, context: ReadContext = {}): Read[] {
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
      context,
    );
    group.fields.forEach((fieldIndex, j) => {
      reads[fieldIndex] = series[j]!;
    });
  });
  return reads;
}

/** True when the text names at least one of the item's field labels. */
export function hasFieldLabel(item: FormItem, text: string): boolean {
  const key = keyOf(text);
  return item.fields.some((f) => {
    const label = keyOf(f.label);
    return label.length >= 2 && key.includes(label);
  });
}

export interface CellText {
  text: string;
  address: string;
  /** The grid column, where the cell came from a row of a grid. */
  col?: number;
}

/**
 * Reads an item's fields from the cells next to its label: one cell (or value + unit cells) per field, in order.
 * Unit cells (`个`, `万元`) attach to the value before them; an empty cell keeps its field's place.
 */
export function readFromCells(item: FormItem, given: CellText[]): FieldRead[] {
  let cells = given;
  const fields = item.fields;
  // A 是/否 unit column is the template's hint, not an answer, for yes/no and tick blanks alike.
  if (fields[0]!.kind !== 'number') cells = cells.filter((c) => !isYesNoHint(c.text));
  // After a tick answer, a column saying 多选 or a dash is the form's hint, not more answers.
  if (fields[0]!.kind === 'ticks') {
    const first = cells.findIndex((c) => c.text !== '');
    cells = cells.filter((c, i) => i <= first || !isTickHint(c.text));
  }
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
    return readSeries(item, fields, present[0]!.text).map((read) => ({
      read,
      address: present[0]!.address,
      byOrder: true,
    }));
  }
  return fields.map((field, i) => {
    const slot = present[i];
    return slot ? { read: readField(item, field, slot.text), address: slot.address } : { read: BLANK, address: '' };
  });
}

function isLoneChoice(text: string, word: '是' | '否'): boolean {
  return MARK.test(text) && keyOf(text) === word;
}
