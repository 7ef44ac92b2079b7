/**
 * The tie-breaker: when the vocabulary leaves two or more indicators close, which of them the wording of the file is
 * most like, learned from evidence files whose indicators people settled (the round's examples.json). A naive Bayes
 * over the two-character words and Latin words of the name, the mail's words for it, its folders, the start of its
 * first page and its header row. It only chooses among the vocabulary's own candidates, and only when the wording
 * leans clearly one way: measured across the development sets, each left out in turn, it chose right 78 times in 79
 * at that margin. It may also stop a decision of the words that settled files lean far the other way on: asked, not
 * decided. Pure; the model is built once per round.
 */
import type { Round } from '../../domain/catalogue.ts';
import type { EvidenceExample } from '../../domain/vocabulary.ts';
import { repairedMojibake } from '../mojibake.ts';
import { simplified } from './simplified.ts';

/** The first page counts with its first characters only: the title and the letterhead, not the prose. */
export const FIRST_PAGE_CHARACTERS = 80;
/**
 * How much more likely (natural log) the chosen indicator must be than the next candidate: e^6 ≈ 400 times, since
 * naive Bayes is overconfident (78 right of 79 across the left-out development sets; at 4, 88 of 92).
 */
export const LEARNED_MARGIN = 6;
/**
 * A decision of the words is asked instead when files worded like it were settled this much more likely (natural log)
 * for another of its candidates: across the development sets, each left out in turn, 4 of the 6 decisions it stops
 * were wrong (at 6 it would stop 6 right ones with 4 wrong).
 */
export const LEARNED_VETO_MARGIN = 8;
/** A header row counts with its first cells, as the classifier reads them. */
const HEADER_CELLS = 80;
/** At most this much text is read for words, whatever a file's names and headers hold. */
const MAX_TEXT = 4000;
/** Additive smoothing of the word counts. */
const SMOOTHING = 0.1;

/** The signals the tie-breaker reads (a subset of the classifier's). */
export interface WordedSignals {
  name: string;
  folders?: readonly string[];
  listedAs?: string;
  firstPage?: string;
  sheetHeaders?: readonly string[];
}

/** The learned word counts of a round's examples. */
export interface LearnedModel {
  /** How many examples it learned from. */
  size: number;
  counts: Map<string, Map<string, number>>;
  totals: Map<string, number>;
  words: Set<string>;
  /** Each indicator's examples as word sets, to name the most alike in the reasons. */
  examples: Map<string, { label: string; words: Set<string> }[]>;
}

/** The preference among candidates, if the wording leans clearly one way. */
export interface LearnedChoice {
  indicator: string;
  /** Natural log of how much more likely it is than the next candidate. */
  margin: number;
  /** The settled file worded most like it, as staff would recognise it (its name, or its title when the name is bare). */
  like: string | undefined;
}

/** The words of a file: two-character words of its Chinese runs and its Latin words, in simplified characters. */
export function wordsOf(signals: WordedSignals): Set<string> {
  // A name garbled on the way (GBK read as CP437) is read again, as the classifier reads it.
  const parts = [
    signals.name.replace(/\.[a-z0-9]{1,5}$/i, ''),
    signals.listedAs ?? '',
    ...(signals.folders ?? []),
    (signals.firstPage ?? '').slice(0, FIRST_PAGE_CHARACTERS),
    ...(signals.sheetHeaders ?? []).slice(0, HEADER_CELLS),
  ].map((part) => repairedMojibake(part) ?? part);
  const text = simplified(parts.join(' | ').slice(0, MAX_TEXT));
  const words = new Set<string>();
  for (const run of text.match(/\p{Script=Han}{2,}/gu) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) words.add(run.slice(i, i + 2));
  }
  for (const word of text.toLowerCase().match(/[a-z]{2,}/g) ?? []) words.add(word);
  return words;
}

/** Builds the model from settled examples. */
export function learn(examples: readonly EvidenceExample[]): LearnedModel {
  const model: LearnedModel = {
    size: examples.length,
    counts: new Map(),
    totals: new Map(),
    words: new Set(),
    examples: new Map(),
  };
  for (const example of examples) {
    const words = wordsOf(example);
    for (const indicator of example.indicators) {
      const counts = model.counts.get(indicator) ?? new Map<string, number>();
      model.counts.set(indicator, counts);
      for (const word of words) {
        counts.set(word, (counts.get(word) ?? 0) + 1);
        model.words.add(word);
      }
      model.totals.set(indicator, (model.totals.get(indicator) ?? 0) + words.size);
      const own = model.examples.get(indicator) ?? [];
      own.push({ label: labelOf(example), words });
      model.examples.set(indicator, own);
    }
  }
  return model;
}

const models = new WeakMap<Round, LearnedModel | null>();

/** The round's model, built once; null when the round has no examples. */
export function learnedModel(round: Round): LearnedModel | null {
  let model = models.get(round);
  if (model === undefined) {
    const examples = round.examples?.examples ?? [];
    model = examples.length > 0 ? learn(examples) : null;
    models.set(round, model);
  }
  return model;
}

/**
 * Which of `candidates` the file's wording is most like, when it is at least `margin` (natural log) more likely than
 * the next one; undefined otherwise, or when the file shares no word with the examples.
 */
export function preferred(
  model: LearnedModel,
  signals: WordedSignals,
  candidates: readonly string[],
  margin = LEARNED_MARGIN,
): LearnedChoice | undefined {
  if (candidates.length < 2) return undefined;
  const words = [...wordsOf(signals)].filter((w) => model.words.has(w));
  if (words.length === 0) return undefined;
  const scored = candidates
    .map((indicator) => {
      const counts = model.counts.get(indicator);
      const denominator = (model.totals.get(indicator) ?? 0) + SMOOTHING * model.words.size;
      let score = 0;
      for (const word of words) score += Math.log(((counts?.get(word) ?? 0) + SMOOTHING) / denominator);
      return { indicator, score };
    })
    .sort((a, b) => b.score - a.score);
  const [first, second] = scored;
  if (!first || !second || first.score - second.score < margin) return undefined;
  return {
    indicator: first.indicator,
    margin: first.score - second.score,
    like: mostAlike(model, words, first.indicator),
  };
}

/** The label of the indicator's example sharing the most words with the file. */
function mostAlike(model: LearnedModel, words: readonly string[], indicator: string): string | undefined {
  let best: { label: string; shared: number } | undefined;
  for (const example of model.examples.get(indicator) ?? []) {
    const shared = words.filter((w) => example.words.has(w)).length;
    if (shared > (best?.shared ?? 0)) best = { label: example.label, shared };
  }
  return best?.label;
}

/**
 * An example as staff would recognise it: its name, with the words that said what it is when the name does not
 * (Doc1.docx（首页：企业标准 直播间搭建技术规范…）, 3.jpg（文件夹：开班合影）).
 */
function labelOf(example: EvidenceExample): string {
  const bare = !/\p{Script=Han}{2}/u.test(example.name.replace(/附件|材料|扫描|文档|照片|图片|副本|新建/g, ''));
  if (!bare) return example.name;
  const said: [string, string | undefined][] = [
    ['邮件正文', example.listedAs],
    ['文件夹', example.folders?.at(-1)],
    ['首页', example.firstPage?.split(/\r?\n/).find((line) => line.trim() !== '')],
    ['表头', example.sheetHeaders?.slice(0, 4).join('、')],
  ];
  const [where, text] = said.find(([, t]) => t !== undefined && /\p{Script=Han}{2}/u.test(t)) ?? [];
  if (!where || !text) return example.name;
  const short = text.trim().length > 24 ? `${text.trim().slice(0, 24)}…` : text.trim();
  return `${example.name}（${where}：${short}）`;
}
