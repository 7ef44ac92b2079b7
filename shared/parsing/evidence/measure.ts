/**
 * Precision, recall and the asked rate of the evidence classifier on a labelled set of names, for the benchmark
 * script and the test that holds the targets (precision ≥ 0.98 over decided names, recall ≥ 0.90, asked ≤ 10 %).
 * A decision is right when it names no indicator the file is not for (a shared table decided for two of its three
 * indicators is right but incomplete, and counted as such); it is exact when its set equals the label's. A name
 * labelled [] (nobody could tell) is right when asked and counts apart.
 */
import type { Round } from '../../domain/catalogue.ts';
import type { EvidenceExample } from '../../domain/vocabulary.ts';
import { classifyEvidence, type EvidenceDecision, type EvidenceSignals } from './classify-evidence.ts';
import { FIRST_PAGE_CHARACTERS } from './learned.ts';
import { listedAs } from './numbers.ts';

/** One labelled name, as in tests/fixtures/evidence-names/*.json. */
export interface LabelledName {
  name: string;
  folder?: string;
  firstPage?: string;
  sheetHeaders?: string[];
  mailBody?: string;
  indicators: string[];
  class?: string;
}

/** What the classifier made of a labelled set. */
export interface Measurement {
  total: number;
  decided: number;
  right: number;
  /** Right and complete: the decided set is the label's set. */
  exact: number;
  wrong: number;
  asked: number;
  precision: number;
  recall: number;
  /** Exact decisions ÷ all names with a label. */
  exactRecall: number;
  askedRate: number;
  unknowableDecided: number;
  /** `expected -> decided` with counts, most frequent first. */
  confusion: [string, number][];
  misses: string[];
}

/** A labelled name's signals, built as intake builds them (the folders split, the mail's words for it). */
export function signalsOfLabelled(entry: LabelledName): EvidenceSignals {
  const listed = entry.mailBody ? listedAs(entry.mailBody, entry.name.replace(/\.[a-z0-9]{1,5}$/i, '')) : undefined;
  return {
    name: entry.name,
    folders: (entry.folder ?? '').split(/[\\/]/).filter(Boolean),
    ...(entry.sheetHeaders ? { sheetHeaders: entry.sheetHeaders } : {}),
    ...(entry.firstPage ? { firstPage: entry.firstPage } : {}),
    ...(listed ? { listedAs: listed } : {}),
  };
}

/** The classifier's decision for one labelled name, its signals built as intake builds them. */
export function classifyLabelled(entry: LabelledName, round: Round): EvidenceDecision {
  return classifyEvidence(signalsOfLabelled(entry), round);
}

/** A labelled name as a settled example for the tie-breaker (examples.json); none for a name nobody could tell. */
export function exampleOf(entry: LabelledName): EvidenceExample | undefined {
  if (entry.indicators.length === 0) return undefined;
  const signals = signalsOfLabelled(entry);
  return {
    name: signals.name,
    ...(signals.folders && signals.folders.length > 0 ? { folders: signals.folders } : {}),
    ...(signals.listedAs ? { listedAs: signals.listedAs } : {}),
    ...(signals.firstPage ? { firstPage: signals.firstPage.slice(0, FIRST_PAGE_CHARACTERS) } : {}),
    ...(signals.sheetHeaders ? { sheetHeaders: signals.sheetHeaders } : {}),
    indicators: [...entry.indicators],
  };
}

/** The round as it would be without the examples taken from `names`: to measure a set the examples were built from. */
export function withoutExamplesOf(round: Round, names: readonly LabelledName[]): Round {
  if (!round.examples) return round;
  const left = new Set(names.map((n) => n.name));
  return {
    ...round,
    examples: { ...round.examples, examples: round.examples.examples.filter((e) => !left.has(e.name)) },
  };
}

/** Measures the classifier on a labelled set. */
export function measure(names: readonly LabelledName[], round: Round): Measurement {
  let decided = 0;
  let right = 0;
  let exact = 0;
  let asked = 0;
  let unknowableDecided = 0;
  let labelled = 0;
  const confusion = new Map<string, number>();
  const misses: string[] = [];
  for (const entry of names) {
    const result = classifyLabelled(entry, round);
    const expected = [...entry.indicators].sort().join('+');
    const where = `${entry.folder ? `${entry.folder}/` : ''}${entry.name}`;
    if (entry.indicators.length === 0) {
      if (result.decision === 'decided') {
        unknowableDecided++;
        misses.push(`UNKNOWABLE decided ${result.indicators.join('+')}: ${where}`);
      }
      continue;
    }
    labelled++;
    if (result.decision === 'asked') {
      asked++;
      misses.push(
        `asked [${entry.class}] ${expected} ? ${result.candidates.map((c) => `${c.indicator}:${c.score}`).join(' ')}: ${where}`,
      );
      continue;
    }
    decided++;
    const got = [...result.indicators].sort().join('+');
    if (got === expected) exact++;
    if (result.indicators.every((i) => entry.indicators.includes(i))) {
      right++;
      if (got !== expected) misses.push(`PARTIAL [${entry.class}] ${expected} -> ${got}: ${where}`);
    } else {
      const pair = `${expected} -> ${got}`;
      confusion.set(pair, (confusion.get(pair) ?? 0) + 1);
      misses.push(`WRONG [${entry.class}] ${pair} (${result.reasons.join('；')}): ${where}`);
    }
  }
  return {
    total: names.length,
    decided,
    right,
    exact,
    wrong: decided - right,
    asked,
    precision: decided === 0 ? 1 : right / decided,
    recall: labelled === 0 ? 1 : right / labelled,
    exactRecall: labelled === 0 ? 1 : exact / labelled,
    askedRate: labelled === 0 ? 0 : asked / labelled,
    unknowableDecided,
    confusion: [...confusion].sort((a, b) => b[1] - a[1]),
    misses,
  };
}

/** A settled file's signals, without its label: the same file wherever it is labelled. */
export function signalsKey(example: EvidenceExample): string {
  return JSON.stringify({ ...example, indicators: [] });
}

/**
 * examples.json from development sets of labelled names. The held-out sets never teach: a development name whose
 * signals equal a held-out name's (the first pair shares a few) is left out, so the held-out sets still measure.
 */
export function examplesFromSets(
  sets: readonly { file: string; names: readonly LabelledName[] }[],
  heldOut: readonly LabelledName[],
): { source: string; examples: EvidenceExample[] } {
  const files = sets.map((s) => s.file);
  if (files.some((f) => !/^dev\d*\.json$/.test(f)))
    throw new Error(`only development sets may teach: ${files.join(', ')}`);
  const seen = new Set(
    heldOut.flatMap((n) => {
      const e = exampleOf(n);
      return e ? [signalsKey(e)] : [];
    }),
  );
  const examples: EvidenceExample[] = [];
  for (const set of sets)
    for (const entry of set.names) {
      const example = exampleOf(entry);
      const key = example ? signalsKey(example) : '';
      if (example && !seen.has(key)) {
        seen.add(key);
        examples.push(example);
      }
    }
  return {
    source: `Labelled evidence names of the development sets (tests/fixtures/evidence-names/${files.join(', ')}), written apart from the vocabulary; built by scripts/build-evidence-examples.ts. The held-out sets (test*.json) are never used, nor a development name identical to one of theirs.`,
    examples,
  };
}
