/**
 * Which base a submission comes from, judged from the names people write in subjects, file names, the form's
 * 基地名称 and the report cover. Annex 4's names overlap heavily (most end in 直播电商基地 or a variant), so a
 * match must rest on the distinctive part of a name (邮拓, 晋城有礼, 恒宗 ...), never on the generic words alone.
 */
import type { Base, City } from './catalogue.ts';

/** How a base was recognised: its whole name, its distinctive part, or a close spelling. */
export type MatchMethod = 'exact' | 'core' | 'fuzzy';

/** A base with the score it got (1 = whole name found). */
export interface ScoredBase {
  base: Base;
  score: number;
}

/** The outcome of identifying a base from a set of texts. */
export type BaseMatch =
  | { kind: 'matched'; base: Base; score: number; source: string; method: MatchMethod }
  | { kind: 'ambiguous'; candidates: ScoredBase[] }
  | { kind: 'none' };

const PREFIXES = /^(?:山西省|山西|省级)+/u;
const COMPANY_SUFFIXES = /(?:股份有限公司|有限责任公司|有限公司|分公司|公司)+$/u;
/** Quotes, brackets, dashes, spaces and every other mark: names are compared on letters and digits alone. */
const NON_NAME_CHARS = /[\s\p{P}\p{S}]/gu;

/**
 * Generic words of base names, longest first. They separate the distinctive parts of a name and never count
 * towards a match by themselves.
 */
const GENERIC_TOKENS = [
  '电子商务产业园',
  '电子商务创业园',
  '直播电商产业基地',
  '直播电商基地',
  '电商直播基地',
  '电商孵化基地',
  '直播孵化基地',
  '直播产业基地',
  '产业示范基地',
  '示范基地',
  '产业基地',
  '孵化基地',
  '直播基地',
  '电子商务',
  '产业园',
  '创业园',
  '孵化园',
  '基地',
];
const GENERIC = new RegExp(GENERIC_TOKENS.join('|'), 'gu');

/** Common words inside the distinctive part of a name; a close spelling must agree on the rest (恒宗, 龙巅兴趣). */
const COMMON_WORDS = /直播|电商|电子商务|数字|经济|产业|网红|孵化|创业|创新|示范|新媒体/gu;

/**
 * Leading place names (中国, 山西, the round's cities as cities.json spells them, a county such as 武乡县 or
 * 原平市): common to many names, so not distinctive. One pattern per list of places.
 */
const placePrefixes = new Map<string, RegExp>();
function placePrefix(places: readonly string[]): RegExp {
  const key = places.join('|');
  let pattern = placePrefixes.get(key);
  if (!pattern) {
    const names = [...new Set(places.map((p) => normalizeBaseName(p).replace(/市$/, '')).filter(Boolean))]
      .sort((a, b) => b.length - a.length)
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const cities = names.length > 0 ? `(?:${names.join('|')})市?|` : '';
    pattern = new RegExp(`^(?:中国|山西省?|${cities}\\p{Script=Han}{2}[县区市])+`, 'u');
    placePrefixes.set(key, pattern);
  }
  return pattern;
}

const EXACT_SCORE = 1;
const CORE_SCORE = 0.9;
/** Fuzzy scores are scaled below CORE_SCORE so that a close spelling never outranks a name actually written. */
const FUZZY_SCALE = 0.85;
/** Minimum Dice coefficient between a name and a window of the text. */
const DICE_THRESHOLD = 0.7;
/** Share of the anchor characters a fuzzy window must contain (stops 驿拓 matching 邮拓). */
const ANCHOR_COVERAGE = 0.6;
/** Two bases whose best scores are this close are reported as ambiguous. */
const AMBIGUITY_MARGIN = 0.1;
const EPSILON = 1e-9;

/**
 * Comparison key of a base name or a text: NFKC (full-width to half-width), lower case, without quotes, brackets,
 * spaces or other marks, without a leading 山西省/山西/省级 and a trailing company suffix (有限公司 ...). Generic
 * words are kept: they are dropped only when scoring. Not for display.
 */
export function normalizeBaseName(s: string): string {
  let key = s.normalize('NFKC').toLowerCase().replace(NON_NAME_CHARS, '');
  key = key.replace(PREFIXES, '');
  key = key.replace(COMPANY_SUFFIXES, '');
  return key;
}

/** A registry name prepared for matching. */
interface NameKey {
  key: string;
  /** The name split at generic words; each part must appear for a core match. */
  segments: string[];
  /** The segments without leading place names; empty when the name has nothing of its own (原平市直播电商基地). */
  distinctive: string;
  /** `distinctive` without common words: what a close spelling must share; empty disables fuzzy matching. */
  anchor: string;
}

function prepareName(name: string, places: RegExp): NameKey | undefined {
  const key = normalizeBaseName(name);
  if (key.length === 0) return undefined;
  const segments = key.split(GENERIC).filter((s) => s.length > 0);
  const distinctive = segments.join('').replace(places, '');
  const anchor = distinctive.replace(COMMON_WORDS, '');
  return { key, segments, distinctive, anchor: anchor.length >= 2 ? anchor : '' };
}

function bigrams(s: string): string[] {
  const chars = [...s];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

function coverage(anchor: string, window: string): number {
  const chars = [...anchor];
  const present = new Set(window);
  return chars.filter((c) => present.has(c)).length / chars.length;
}

/** One way a base was found in one text; `start`/`end` locate it in the normalised text. */
interface Hit {
  base: Base;
  score: number;
  method: MatchMethod;
  start: number;
  end: number;
  keyLength: number;
}

/**
 * Best Dice score (on character-bigram multisets) of a window of the text against the whole name or against its
 * generic-free core (the core catches 京东大同数字经济产业园 for 京东城市（大同）数字经济产业园直播基地, where the
 * generic words differ). Windows slide with running counts, so a long report cover stays cheap.
 */
function bestFuzzy(name: NameKey, text: string): { dice: number; start: number; end: number } | undefined {
  const textBigrams = bigrams(text);
  const core = name.segments.join('');
  const targets = core !== name.key && core.length >= 3 ? [name.key, core] : [name.key];
  let best: { dice: number; start: number; end: number } | undefined;
  for (const target of targets) {
    const wanted = new Map<string, number>();
    for (const g of bigrams(target)) wanted.set(g, (wanted.get(g) ?? 0) + 1);
    const targetSize = target.length - 1;
    if (targetSize < 1) continue;
    // A window of n characters holds n - 1 bigrams.
    for (let size = Math.max(1, Math.ceil(target.length * 0.6) - 1); size <= targetSize + 2; size++) {
      if (size > textBigrams.length) break;
      const held = new Map<string, number>();
      let shared = 0;
      for (let i = 0; i < textBigrams.length; i++) {
        const incoming = textBigrams[i]!;
        const n = (held.get(incoming) ?? 0) + 1;
        held.set(incoming, n);
        if (n <= (wanted.get(incoming) ?? 0)) shared++;
        if (i >= size) {
          const outgoing = textBigrams[i - size]!;
          const m = held.get(outgoing) ?? 0;
          if (m <= (wanted.get(outgoing) ?? 0)) shared--;
          held.set(outgoing, m - 1);
        }
        if (i < size - 1) continue;
        const d = (2 * shared) / (targetSize + size);
        if (d < DICE_THRESHOLD || (best && d <= best.dice)) continue;
        const start = i - size + 1;
        const window = text.slice(start, start + size + 1);
        if (coverage(name.anchor, window) < ANCHOR_COVERAGE) continue;
        best = { dice: d, start, end: start + size + 1 };
      }
    }
  }
  return best;
}

function hitsInText(text: string, names: readonly { base: Base; name: NameKey }[]): Hit[] {
  const hits: Hit[] = [];
  for (const { base, name } of names) {
    const keyLength = name.key.length;
    const at = text.indexOf(name.key);
    if (at >= 0) {
      hits.push({ base, score: EXACT_SCORE, method: 'exact', start: at, end: at + keyLength, keyLength });
      continue;
    }
    // Names without a distinctive part (原平市直播电商基地) are recognised only when written out in full.
    if (name.distinctive.length < 2) continue;
    const isSplit = name.segments.join('') !== name.key;
    if (isSplit && name.segments.every((s) => text.includes(s))) {
      const longest = name.segments.reduce((a, b) => (b.length > a.length ? b : a));
      const start = text.indexOf(longest);
      hits.push({ base, score: CORE_SCORE, method: 'core', start, end: start + longest.length, keyLength });
      continue;
    }
    if (name.anchor.length === 0 || ![...name.anchor].some((c) => text.includes(c))) continue;
    const fuzzy = bestFuzzy(name, text);
    if (fuzzy) {
      const score = FUZZY_SCALE * fuzzy.dice;
      hits.push({ base, score, method: 'fuzzy', start: fuzzy.start, end: fuzzy.end, keyLength });
    }
  }
  return withoutShadowedHits(hits);
}

/**
 * Drops a hit lying inside another base's longer hit that scores at least as well: in 大同市恒宗直播电商基地 a
 * shorter registry name such as 恒宗直播电商基地 is part of the longer name, not a second base.
 */
function withoutShadowedHits(hits: Hit[]): Hit[] {
  return hits.filter(
    (h) =>
      !hits.some(
        (o) =>
          o.base.id !== h.base.id &&
          o.score >= h.score &&
          o.start <= h.start &&
          o.end >= h.end &&
          o.end - o.start > h.end - h.start,
      ),
  );
}

/** The place names of a round's cities (太原市, 太原 …) for `matchBase`. */
export function cityPlaces(cities: readonly Pick<City, 'name' | 'aliases'>[]): string[] {
  return cities.flatMap((city) => [city.name, ...city.aliases]);
}

/**
 * Identifies the base that candidate texts (subject, attachment names, form header 基地名称, report cover) speak
 * of. Cancelled bases are matched like the others; deciding what that means is the caller's business. `places`
 * are the round's city names (cities.json's aliases), which lead many names without distinguishing them.
 */
export function matchBase(texts: readonly string[], bases: readonly Base[], places: readonly string[] = []): BaseMatch {
  const prefix = placePrefix(places);
  const names = bases.flatMap((base) =>
    [base.name, ...base.aliases].flatMap((n) => {
      const name = prepareName(n, prefix);
      return name ? [{ base, name }] : [];
    }),
  );
  const best = new Map<string, Hit & { source: string }>();
  for (const source of texts) {
    const text = normalizeBaseName(source);
    if (text.length === 0) continue;
    for (const hit of hitsInText(text, names)) {
      const prev = best.get(hit.base.id);
      if (!prev || hit.score > prev.score || (hit.score === prev.score && hit.keyLength > prev.keyLength)) {
        best.set(hit.base.id, { ...hit, source });
      }
    }
  }
  const ranked = [...best.values()].sort((a, b) => b.score - a.score || b.keyLength - a.keyLength);
  const top = ranked[0];
  if (!top) return { kind: 'none' };
  const close = ranked.filter((h) => h.score >= top.score - AMBIGUITY_MARGIN - EPSILON);
  if (close.length > 1) {
    return { kind: 'ambiguous', candidates: close.map((h) => ({ base: h.base, score: h.score })) };
  }
  return { kind: 'matched', base: top.base, score: top.score, source: top.source, method: top.method };
}
