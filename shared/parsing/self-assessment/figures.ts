/**
 * The money figures a report states: its GMV (交易额, form item 32) and the Shanxi-products figure (item 33), found
 * among every money amount by the words of their clauses.
 */
import { CHINESE_DIGITS } from '../chinese-digits.ts';
import type { Figure } from './model.ts';
import { type CompactText, sectionSpan } from './sections.ts';

const NUMERAL_CHARS = '零〇一二两三四五六七八九十百千万亿点';
/** A counter after 万/亿 means a count, not money (10万人, 1亿次). */
const NON_MONEY_AFTER = /^[人个件单场次间家名户位粉条套台张笔平米㎡小天年吨斤箱盒瓶株亩元]/;
const CLAUSE_BREAK = /[。；;！!？?，,|]/;

const GMV_STRONG = ['交易额', '交易总额', '交易金额', '成交额', '成交总额', '成交金额', '引导成交', 'gmv'];
const GMV_WEAK = ['销售额', '销售总额', '销售金额', '营业额', '销售', '带货', '带动'];
/** 山西产品, 山西特色农产品, 山西省名优产品, 晋品: the Shanxi-products figure (item 33). */
const SHANXI_MARKER = /山西省?[^|,，。;；]{0,6}?产品|晋品|本省产品|省内产品|本地产品/;
const TOTAL_MARKERS = ['累计', '全年', '年度', '报告期', '基地', '总'];
/** Figures in these contexts are parts, rates, other money or targets, not the year's total. */
const NOT_TOTAL_MARKERS = [
  '促销',
  '单场',
  '场均',
  '月均',
  '平均',
  '单日',
  '最高',
  '同比',
  '增长',
  '增加',
  '目标',
  '力争',
  '预计',
  '计划',
  '争取',
  '预期',
  '收入',
  '营收',
  '增收',
  '利润',
  '投资',
  '融资',
  '资金',
  '补贴',
  '缴税',
  '纳税',
];
/** A candidate needs at least a weak keyword in its own clause to count. */
const MIN_FIGURE_SCORE = 1;

/** A money amount found in compact text: value in 万元 and its span. */
export interface MoneyMention {
  /** Value in 万元. */
  value: number;
  start: number;
  end: number;
}

interface FigureCandidate extends MoneyMention {
  shanxi: boolean;
  score: number;
}

export function readFigures(
  source: string,
  compact: CompactText,
  sections: Map<string, number>,
  baseName: string | undefined,
): { gmv?: Figure; shanxiGmv?: Figure } {
  // A base called 山西特色农产品直播基地 must not turn its own GMV into the Shanxi-products figure.
  const blankedName = baseName ? baseName.normalize('NFKC').replace(/\s/g, '') : '';
  const scanText =
    blankedName.length >= 4
      ? compact.text.split(blankedName).join('本基地'.padEnd(blankedName.length, '　'))
      : compact.text;
  const mentions = findMoneyMentions(compact.text);
  const performance = sectionSpan(sections, '1.2', compact.text.length);
  const candidates: FigureCandidate[] = [];
  mentions.forEach((mention, index) => {
    const floor = index > 0 ? mentions[index - 1]!.end : 0;
    const context = figureContext(scanText, mention, floor, mentions[index + 1]?.start);
    if (!context) return;
    const inPerformance = mention.start >= performance.start && mention.start < performance.end;
    const score = context.score + (inPerformance ? 1 : 0);
    if (score >= MIN_FIGURE_SCORE) candidates.push({ ...mention, shanxi: context.shanxi, score });
  });
  // Highest score wins; on a tie the first mention, which is where reports state their headline figures.
  const best = (shanxi: boolean) =>
    candidates
      .filter((c) => c.shanxi === shanxi)
      .reduce<FigureCandidate | undefined>((top, c) => (top === undefined || c.score > top.score ? c : top), undefined);
  const toFigure = (c: FigureCandidate | undefined): Figure | undefined => {
    if (!c) return undefined;
    const from = compact.map[c.start]!;
    const to = compact.map[c.end - 1]! + 1;
    return { value: c.value, raw: source.slice(from, to).replace(/\s*\n\s*/g, '') };
  };
  const gmv = toFigure(best(false));
  const shanxiGmv = toFigure(best(true));
  return { ...(gmv ? { gmv } : {}), ...(shanxiGmv ? { shanxiGmv } : {}) };
}

/**
 * Scores a money mention by the words of its clause: which figure it states (GMV or Shanxi products), and how
 * much it reads like the year's total. Looks back to the clause start (one clause further if needed), and
 * forward for wordings like 实现1.2亿元交易额.
 */
function figureContext(
  text: string,
  mention: MoneyMention,
  floor: number,
  nextStart: number | undefined,
): { shanxi: boolean; score: number } | undefined {
  const clauseStart = (from: number) => {
    let i = from;
    while (i > floor && from - i < 40 && !CLAUSE_BREAK.test(text[i - 1]!)) i--;
    return i;
  };
  const start = clauseStart(mention.start);
  let before = text.slice(start, mention.start).toLowerCase();
  let score = 0;
  if (!hasAny(before, [...GMV_STRONG, ...GMV_WEAK]) && !SHANXI_MARKER.test(before) && start > floor) {
    before = text.slice(clauseStart(start - 1), mention.start).toLowerCase();
    score -= 1;
  }
  let afterEnd = mention.end;
  const afterLimit = Math.min(text.length, nextStart ?? text.length, mention.end + 12);
  while (afterEnd < afterLimit && !CLAUSE_BREAK.test(text[afterEnd]!)) afterEnd++;
  const after = text.slice(mention.end, afterEnd).toLowerCase();
  if (/^[%％]/.test(after)) return undefined;

  const shanxi = SHANXI_MARKER.test(before) || (SHANXI_MARKER.test(after) && !hasAny(before, GMV_STRONG));
  if (hasAny(before, GMV_STRONG)) score += 3;
  else if (hasAny(before, GMV_WEAK)) score += 1;
  else if (hasAny(after, GMV_STRONG)) score += 2;
  else if (shanxi)
    score += 1; // 其中山西产品5000多万元: the marker alone names the figure
  else return undefined;
  if (hasAny(before, TOTAL_MARKERS)) score += 1;
  if (hasAny(before, NOT_TOTAL_MARKERS) || hasAny(after, ['增长', '目标'])) score -= 3;
  return { shanxi, score };
}

function hasAny(text: string, words: string[]): boolean {
  return words.some((word) => text.includes(word));
}

/**
 * Finds money amounts in compact text: Arabic or Chinese numerals ending in 元, or in 万/亿 used as money
 * (1.2亿, 5600万). Returns values in 万元.
 */
export function findMoneyMentions(text: string): MoneyMention[] {
  const mentions: MoneyMention[] = [];
  const isNumeralChar = (ch: string | undefined) =>
    ch !== undefined && (/[0-9.]/.test(ch) || NUMERAL_CHARS.includes(ch));
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    let end: number;
    let numeralEnd: number;
    if (ch === '元') {
      end = i + 1;
      numeralEnd = i;
    } else if ((ch === '万' || ch === '亿') && !isNumeralChar(text[i + 1]) && text[i + 1] !== '元') {
      if (NON_MONEY_AFTER.test(text.slice(i + 1, i + 2))) continue;
      end = i + 1;
      numeralEnd = i + 1;
    } else {
      continue;
    }
    // Walk back over the numeral: digits, Chinese numerals, decimal points, 余/多 (approximations) and
    // thousands separators that sit between a digit and exactly three digits.
    let start = numeralEnd;
    while (start > 0) {
      const prev = text[start - 1]!;
      if (isNumeralChar(prev)) {
        start--;
      } else if ((prev === '余' || prev === '多') && isNumeralChar(text[start - 2])) {
        start--;
      } else if (
        (prev === ',' || prev === '，') &&
        /^\d{3}(?!\d)/.test(text.slice(start, start + 4)) &&
        /\d/.test(text[start - 2] ?? '')
      ) {
        start--;
      } else {
        break;
      }
    }
    let numeral = text.slice(start, numeralEnd);
    // 进一步投入500万元 -> 500万; 统一1亿 -> 1亿: prose before Arabic digits is not part of the number.
    const firstDigit = numeral.search(/\d/);
    if (firstDigit > 0) {
      start += firstDigit;
      numeral = numeral.slice(firstDigit);
    }
    const lead = numeral.match(/^[点.万亿]+/)?.[0].length ?? 0;
    start += lead;
    numeral = numeral.slice(lead);
    const yuan = parseChineseAmount(numeral.replace(/[,，余多]/g, ''));
    if (yuan === undefined || yuan <= 0) continue;
    mentions.push({ value: Math.round((yuan / 10_000) * 1e6) / 1e6, start, end });
  }
  return mentions;
}

/**
 * Parses a number written with Arabic digits, Chinese numerals or both (1.2亿, 一亿二千万, 1亿2000万, 5600万,
 * 一点二亿); returns undefined when it is not a number.
 */
export function parseChineseAmount(numeral: string): number | undefined {
  if (numeral === '') return undefined;
  for (const [unit, factor] of [
    ['亿', 1e8],
    ['万', 1e4],
  ] as const) {
    const at = numeral.indexOf(unit);
    if (at < 0) continue;
    if (at === 0) return undefined; // a bare 万 or 亿 is a unit, not a number
    const high = parseChineseAmount(numeral.slice(0, at));
    const rest = numeral.slice(at + 1);
    const low = rest === '' ? 0 : parseChineseAmount(rest);
    if (high === undefined || low === undefined) return undefined;
    // 一亿二 / 1亿2 mean 1.2亿 in speech, but nobody writes a report that way; 一亿二千万 is handled above.
    return high * factor + low;
  }
  return parseSmallNumber(numeral);
}

/** Below 万: Arabic (12, 1.2, 5600), Chinese (五千六百, 十二, 一点二) or mixed (5千). */
function parseSmallNumber(numeral: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(numeral)) return Number(numeral);
  const point = numeral.indexOf('点');
  if (point >= 0) {
    const whole = point === 0 ? 0 : parseSmallNumber(numeral.slice(0, point));
    const digits = [...numeral.slice(point + 1)].map((c) => CHINESE_DIGITS[c]);
    if (whole === undefined || digits.length === 0 || digits.some((d) => d === undefined)) return undefined;
    return whole + Number(`0.${digits.join('')}`);
  }
  const tokens = numeral.match(/\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]/g) ?? [];
  if (tokens.join('') !== numeral) return undefined;
  let total = 0;
  let current: number | undefined;
  for (const token of tokens) {
    const factor = token === '十' ? 10 : token === '百' ? 100 : token === '千' ? 1000 : undefined;
    if (factor === undefined) {
      current = CHINESE_DIGITS[token] ?? Number(token);
      continue;
    }
    total += (current ?? 1) * factor;
    current = undefined;
  }
  return total + (current ?? 0);
}
