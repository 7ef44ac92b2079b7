/**
 * The round's evidence vocabulary made ready for matching: every word folded (width, case, no spaces or
 * punctuation), the indicators' own evidence keywords added, the report-form item → indicator map, and the words
 * that are the base's own name (a 孵化基地's name says nothing about 在孵主播). `analyse` finds the words in one text
 * and keeps, where words overlap, the stronger and longer one (主播培训 over 主播, 山西产品交易额 over 交易额).
 */
import type { Round } from '../../domain/catalogue.ts';

/** A word found in a text. */
export interface Span {
  start: number;
  end: number;
  /** The indicator the word points to; null for a generic word (明细, 名单). */
  indicator: string | null;
  weight: number;
  word: string;
  /** Inside brackets: an annotation (（已发布）, （山西新闻网）). */
  bracketed: boolean;
  /** A qualifier's indicators: the word counts only beside a word of one of them. */
  with?: readonly string[];
}

function refinements(round: Round): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [specific, general] of round.vocabulary?.refines ?? []) {
    out.set(specific, new Set([...(out.get(specific) ?? []), general]));
  }
  return out;
}

/** One text, folded, with the words found in it. */
export interface Analysis {
  compact: string;
  /** `separated[i]`: punctuation or space stood before compact position i. */
  separated: boolean[];
  /** The punctuation that stood before compact position i ('' for none). */
  removed: string[];
  spans: Span[];
  generic: Span[];
  /** `quoted[i]`: the number of the quotation compact position i stands in (“基地+服务商+商家”), 0 outside. */
  quoted: number[];
}

interface Term {
  word: string;
  indicator: string;
  weight: number;
  pattern?: RegExp;
  /** Counts only beside a word of one of these indicators (a qualifier: 黄花 of a 销售额). */
  with?: readonly string[];
}

/** The compiled vocabulary of a round. */
export interface CompiledVocabulary {
  terms: Term[];
  generic: string[];
  shareable: string[][];
  /** specific → the general indicators it narrows. */
  refines: Map<string, Set<string>>;
  /** Report-form item → the indicators it claims. */
  itemIndicators: Map<number, string[]>;
  /** Position (1-based) of an indicator in 附件1 → its slug. */
  orderIndicators: Map<number, string>;
  /**
   * An indicator's place in 附件1's table as `一级.二级.三级` (`1.1.2`), or `一级.0.N` counted across the 一级 → its
   * slug and the section it is counted in.
   */
  codeIndicators: Map<string, { slug: string; section: string }>;
  /** Removes the base names and "XX基地-" prefixes from a text. */
  strip(text: string): string;
  /** Whether a folder is named after a level-1 or level-2 section of 附件1 (基础硬件, 行业规范, 附加项). */
  isSection(folder: string): boolean;
  /** The section of 附件1 a folder is named after (`（一）党建水平`, `三、保障能力`) and its indicators in order. */
  sectionOf(folder: string): { name: string; level: 1 | 2; indicators: string[] } | undefined;
  /** Groups of indicators a text lists together (A及B, A、B, A（含B）). */
  listedTogether(text: string, spans: Span[]): string[][];
}

/** Punctuation that separates the items of a list. */
const LIST_MARKS = /[、，,;；+＋&/]/;

/** Characters joining things listed together. */
const CONJUNCTIONS = /[及和与含暨兼+＋&/、]/;
const SEPARATORS = /[\s_\-—–·・.,，、:：;；'"“”‘’()[\]{}<>《》【】〔〕（）#&+＋/\\|~～!！?？]/;
/** Brackets that annotate (（已发布）, （山西新闻网）); 《》 quote a title, which is content. */
const OPENING = /[([{（【〔]/;
const CLOSING = /[)\]}）】〕]/;
const OPENING_QUOTE = /[“‘「『]/;
const CLOSING_QUOTE = /[”’」』]/;
/** A leading "XX基地-" / "XX产业园_" names the sender, not the evidence. */
const SENDER_PREFIX =
  /^[^-_—\s、]{2,24}?(?:直播电商基地|电商直播基地|直播基地|电商基地|孵化基地|产业园|创业园|孵化园|基地)(?=[-_—\s、：:（(]|$)/u;
/**
 * A department or a news outlet before the subject (`技术部_…`, `党群工作部-…`, `黄河新闻网_…`): who made or printed the
 * file, not what it is. Only before a separator and a subject of its own.
 */
const UNIT_PREFIX =
  /^[^-_—\s、：:]{1,10}?(?:部|处|科|办|办公室|中心|日报|晚报|报社|新闻网|电视台|频道|客户端)[-_—\s：:]+(?=\p{Script=Han}{4})/u;

/**
 * The notice's own documents named in a path (`按附件1评分标准顺序/评分标准-承载能力-…`, `经营服务情况报告表`): they say
 * the base follows the notice, not which indicator a file is for (评分标准 is no 行业标准).
 */
const NOTICE_DOCUMENTS =
  /(?:按照?)?(?:附件\s*[1一]\s*)?(?:综合评价)?评分标准(?:[(（]试行[)）])?(?:顺序|排序|目录)?|(?:附件\s*[2二]\s*)?经营服务情况报告表|(?:附件\s*[3三]\s*)?自评报告提纲/gu;

/**
 * A document number (交政办发〔2023〕15号, 晋商电字[2023]8号): it names the office that issued the file and its place in
 * the year's files, not what it is about; the first page says that.
 */
const DOCUMENT_NUMBER = /\p{Script=Han}{1,10}[〔［[【(（]\s*\d{4}\s*[〕］\]】)）]\s*第?\s*\d{1,4}\s*号/gu;

/** Weight of a generic word where words overlap. */
const GENERIC_WEIGHT = 1.5;

const cache = new WeakMap<Round, Map<string, CompiledVocabulary>>();

/** The round's vocabulary with the words staff accepted; cached per round and set of extra words. */
export function compileVocabulary(
  round: Round,
  extraWords: readonly { word: string; indicator: string }[] = [],
): CompiledVocabulary {
  const key = JSON.stringify(extraWords);
  let perRound = cache.get(round);
  if (!perRound) {
    perRound = new Map();
    cache.set(round, perRound);
  }
  const cached = perRound.get(key);
  if (cached) return cached;
  const compiled = compile(round, extraWords);
  if (perRound.size > 20) perRound.clear();
  perRound.set(key, compiled);
  return compiled;
}

function compile(round: Round, extraWords: readonly { word: string; indicator: string }[]): CompiledVocabulary {
  const byKey = new Map<string, Term>();
  const put = (raw: string, indicator: string, weight: number, alongside?: readonly string[]) => {
    const word = fold(raw.replace(/\*/g, '\u0000')).replace(/\u0000/g, '*');
    if (word === '' || word === '*') return;
    const key = `${word}\u0001${indicator}`;
    const known = byKey.get(key);
    if (known && known.weight >= weight) return;
    const term: Term = { word, indicator, weight, ...(alongside ? { with: alongside } : {}) };
    if (word.includes('*')) term.pattern = new RegExp(word.split('*').map(escapeRegExp).join('.{0,10}?'), 'g');
    byKey.set(key, term);
  };
  // The vocabulary's weights stand; the indicators' own keywords add the words it does not have.
  for (const term of round.vocabulary?.terms ?? [])
    for (const word of term.words) put(word, term.indicator, term.weight, term.with);
  const listed = new Set([...byKey.values()].map((t) => t.word));
  for (const indicator of round.indicators) {
    for (const keyword of indicator.evidenceKeywords) {
      if (!listed.has(fold(keyword))) put(keyword, indicator.slug, [...keyword].length >= 4 ? 3 : 2);
    }
  }
  for (const extra of extraWords) put(extra.word, extra.indicator, 3);

  const itemIndicators = new Map<number, string[]>();
  for (const indicator of round.indicators) {
    for (const item of indicator.formItems)
      itemIndicators.set(item, [...(itemIndicators.get(item) ?? []), indicator.slug]);
  }
  const orderIndicators = new Map(round.indicators.map((indicator, index) => [index + 1, indicator.slug] as const));
  const codeIndicators = new Map<string, { slug: string; section: string }>();
  const level1s: string[] = [];
  const level2s = new Map<string, string[]>();
  for (const indicator of round.indicators) {
    if (!level1s.includes(indicator.level1)) level1s.push(indicator.level1);
    const seconds = level2s.get(indicator.level1) ?? [];
    if (!seconds.includes(indicator.level2)) seconds.push(indicator.level2);
    level2s.set(indicator.level1, seconds);
    const place = round.indicators.filter((i) => i.level2 === indicator.level2).indexOf(indicator) + 1;
    const first = level1s.indexOf(indicator.level1) + 1;
    codeIndicators.set(`${first}.${seconds.indexOf(indicator.level2) + 1}.${place}`, {
      slug: indicator.slug,
      section: indicator.level2,
    });
    // Counted across the whole 一级 (C-07: 保障能力's seventh).
    const across = round.indicators.filter((i) => i.level1 === indicator.level1).indexOf(indicator) + 1;
    codeIndicators.set(`${first}.0.${across}`, { slug: indicator.slug, section: indicator.level1 });
  }
  const baseNames = [...new Set(round.bases.flatMap((b) => [b.name, ...b.aliases]).map(fold))]
    .filter((n) => n.length >= 4)
    .sort((a, b) => b.length - a.length);
  const generic = [...new Set((round.vocabulary?.generic ?? []).map(fold))].sort((a, b) => b.length - a.length);

  const strip = (text: string): string => {
    let out = text
      .normalize('NFKC')
      .replace(SENDER_PREFIX, ' ')
      .replace(UNIT_PREFIX, ' ')
      .replace(NOTICE_DOCUMENTS, ' ')
      .replace(DOCUMENT_NUMBER, ' ');
    const folded = fold(out);
    for (const name of baseNames) {
      if (!folded.includes(name)) continue;
      // Remove the name however it is spaced in the original.
      const pattern = new RegExp([...name].map(escapeRegExp).join('[\\s_\\-·]*'), 'gi');
      out = out.replace(pattern, ' ');
    }
    return out;
  };

  const sections = new Set(
    round.indicators.flatMap((i) => [i.level1, i.level2]).map((name) => fold(name).replace(/\d+分$/, '')),
  );
  for (const extra of [
    '附加项',
    '加分项',
    '评分项',
    '控制项',
    '证明材料',
    '佐证材料',
    '承载能力',
    '服务能力',
    '保障能力',
    '示范能力',
  ]) {
    sections.add(extra);
  }
  const sectionName = (folder: string): string =>
    fold(folder)
      .replace(/^(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?=[\p{Script=Han}])/u, '')
      .replace(/\d+分$/, '');
  const isSection = (folder: string): boolean => sections.has(sectionName(folder));
  const sectionIndicators = new Map<string, { name: string; level: 1 | 2; indicators: string[] }>();
  for (const indicator of round.indicators) {
    for (const [name, level] of [
      [indicator.level1, 1],
      [indicator.level2, 2],
    ] as const) {
      const key = fold(name).replace(/\d+分$/, '');
      const section = sectionIndicators.get(key) ?? { name, level, indicators: [] };
      section.indicators.push(indicator.slug);
      sectionIndicators.set(key, section);
    }
  }
  const sectionOf = (folder: string) => sectionIndicators.get(sectionName(folder));

  const compiled: CompiledVocabulary = {
    terms: [...byKey.values()],
    generic,
    shareable: (round.vocabulary?.shareable ?? []).map((g) => [...g]),
    refines: refinements(round),
    itemIndicators,
    orderIndicators,
    codeIndicators,
    strip,
    isSection,
    sectionOf,
    listedTogether: (text, spans) => listedTogether(analyseText(strip(text), compiled), spans),
  };
  return compiled;
}

/** The words of one text (base names removed), strongest first where they overlap. */
export function spansOf(text: string, vocabulary: CompiledVocabulary): Span[] {
  return analyseText(vocabulary.strip(text), vocabulary).spans;
}

/** Folds a text and finds the vocabulary's words in it. */
export function analyseText(text: string, vocabulary: CompiledVocabulary): Analysis {
  let compact = '';
  const separated: boolean[] = [];
  const removed: string[] = [];
  let pendingChars = '';
  const bracketed: boolean[] = [];
  let depth = 0;
  let pendingSeparator = false;
  const quoted: number[] = [];
  let quotes = 0;
  let inQuote = 0;
  for (const char of text.normalize('NFKC').toLowerCase()) {
    if (OPENING.test(char)) depth++;
    if (CLOSING.test(char)) depth = Math.max(0, depth - 1);
    if (OPENING_QUOTE.test(char) || (char === '"' && inQuote === 0)) inQuote = ++quotes;
    else if (CLOSING_QUOTE.test(char) || char === '"') inQuote = 0;
    if (SEPARATORS.test(char)) {
      pendingSeparator = true;
      pendingChars += char;
      continue;
    }
    separated.push(pendingSeparator);
    removed.push(pendingChars);
    pendingChars = '';
    bracketed.push(depth > 0);
    quoted.push(inQuote);
    compact += char;
    pendingSeparator = false;
  }
  const found: Span[] = [];
  for (const term of vocabulary.terms) {
    if (term.pattern) {
      term.pattern.lastIndex = 0;
      for (const match of compact.matchAll(term.pattern)) {
        const start = match.index ?? 0;
        found.push(span(start, start + match[0].length, term, bracketed));
      }
      continue;
    }
    for (let at = compact.indexOf(term.word); at >= 0; at = compact.indexOf(term.word, at + 1)) {
      if (!onTokenBoundaries(term.word, at, compact, separated)) continue;
      found.push(span(at, at + term.word.length, term, bracketed));
    }
  }
  // Generic words (直播电商, 明细) take part at a middling weight: they keep a weak word inside them (直播 in
  // 直播电商) from counting, but never a word that names an indicator.
  for (const word of vocabulary.generic) {
    for (let at = compact.indexOf(word); at >= 0; at = compact.indexOf(word, at + 1)) {
      const end = at + word.length;
      found.push({ start: at, end, indicator: null, weight: GENERIC_WEIGHT, word, bracketed: bracketed[at] ?? false });
    }
  }
  // Where words overlap, the stronger wins, then the longer, then the earlier.
  found.sort((a, b) => b.weight - a.weight || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const spans: Span[] = [];
  for (const candidate of found) {
    // One word may name two indicators (政策文件): both stand; otherwise the first to take the place keeps it.
    const clash = spans.some(
      (s) =>
        s.start < candidate.end &&
        candidate.start < s.end &&
        !(s.start === candidate.start && s.end === candidate.end && s.weight === candidate.weight),
    );
    if (clash) continue;
    spans.push(candidate);
  }
  spans.sort((a, b) => a.start - b.start);
  removed.push(pendingChars);
  const generic = spans.filter((s) => s.indicator === null);
  const named = spans.filter((s) => s.indicator !== null);
  // A qualifier (黄花 of 黄花销售额) stands only beside a word of what it qualifies.
  const standing = named.filter(
    (s) => !s.with || named.some((o) => o !== s && !o.with && o.indicator !== null && s.with?.includes(o.indicator)),
  );
  return { compact, separated, removed, spans: standing, generic, quoted };
}

/** Letters and digits, which run together into one token (wx_camera's camera, 20230618's 618). */
const ALNUM = /[a-z0-9]/;

/**
 * Whether a word written in letters or digits stands as a token of its own where it was found: it starts one (not
 * `618` inside `20230618`, `ops` inside `devops`), and a short one ends one too (`ai` is not `air`, `tax` not
 * `taxi`); a longer one may run on (`incubat` in `incubation`). Words in Chinese characters have no such bounds.
 */
function onTokenBoundaries(word: string, at: number, compact: string, separated: boolean[]): boolean {
  const end = at + word.length;
  if (ALNUM.test(word[0] ?? '') && at > 0 && ALNUM.test(compact[at - 1] ?? '') && !separated[at]) return false;
  if ([...word].length > 4 || !ALNUM.test(word.at(-1) ?? '')) return true;
  return end >= compact.length || !ALNUM.test(compact[end] ?? '') || (separated[end] ?? false);
}

/**
 * Indicators a text names as a list: neighbours whose gap holds only generic words, a joining character
 * (及, 和, 与, 含, 、, +) or at most two other characters after a separator.
 */
function listedTogether(analysis: Analysis, spans: Span[]): string[][] {
  const named = analysis.spans.filter((s) => s.indicator !== null && spans.some((o) => o.indicator === s.indicator));
  const groups: string[][] = [];
  let current: Span[] = [];
  const close = () => {
    const indicators = [...new Set(current.map((s) => s.indicator as string))];
    if (indicators.length > 1) groups.push(indicators);
  };
  for (let i = 0; i < named.length; i++) {
    const span = named[i] as Span;
    const previous = named[i - 1];
    if (previous && joined(analysis, previous, span)) current.push(span);
    else {
      close();
      current = [span];
    }
  }
  close();
  return groups;
}

function joined(analysis: Analysis, left: Span, right: Span): boolean {
  if (left.indicator === right.indicator) return true;
  // One quotation is one name (“基地+服务商+商家” is a model's name, not three things).
  const quote = analysis.quoted[left.start] ?? 0;
  if (quote !== 0 && quote === analysis.quoted[right.start]) return false;
  let gap = '';
  let marks = '';
  for (let i = left.end; i <= right.start; i++) {
    marks += analysis.removed[i] ?? '';
    if (i === right.start || analysis.generic.some((g) => g.start <= i && i < g.end)) continue;
    gap += analysis.compact[i];
  }
  // English joins with a word (sessions_and_gmv, Staff and party members).
  if (gap === 'and') return !(quote !== 0 && quote === analysis.quoted[right.start]);
  const conjunction = CONJUNCTIONS.test(gap) || CONJUNCTIONS.test(marks) || /包括|包含|标注/.test(gap);
  const rest = gap
    .replace(new RegExp(CONJUNCTIONS.source, 'g'), '')
    .replace(/以及|包括|包含|标注|人员|人数|情况|名单|及其/g, '');
  if (rest.length > 2) return false;
  // A word in brackets annotates (开园报道（山西新闻网）) unless the brackets list (（含党员、运维）): they open with the
  // joining word. （基地与入驻商家） names a contract's parties.
  if (right.bracketed && !left.bracketed) {
    let opened = left.end;
    while (opened < right.start && !OPENING.test(analysis.removed[opened] ?? '')) opened++;
    return /^(?:含|及|和|与|暨|兼|包括|包含|标注|以及)/.test(analysis.compact.slice(opened, right.start));
  }
  // Only list punctuation lists: a dash, an underscore or a space joins a name's parts (企业标准-直播间搭建规范 is
  // one standard, 2023_主播名单 one list). Inside brackets a space lists too (（交易额 山西产品 纳税）).
  return conjunction || LIST_MARKS.test(marks) || (left.bracketed && right.bracketed && /\s/.test(marks));
}

function span(start: number, end: number, term: Term, bracketed: boolean[]): Span {
  return {
    start,
    end,
    indicator: term.indicator,
    weight: term.weight,
    word: term.word,
    bracketed: bracketed[start] ?? false,
    ...(term.with ? { with: term.with } : {}),
  };
}

/** Width and case folded, spaces and punctuation dropped. */
export function fold(text: string): string {
  return [...text.normalize('NFKC').toLowerCase()].filter((c) => !SEPARATORS.test(c)).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
