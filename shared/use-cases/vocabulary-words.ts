/**
 * Words and examples staff teach the classifier. When staff classify a file by hand for one indicator, its name may
 * hold a word the vocabulary lacks (晋享云集 for 专题促销): it is proposed; staff accept it (the classifier weighs it like
 * the vocabulary's own words of weight 3 for every later file of the round) or reject it. Accepting and rejecting are
 * audited. Every file classified by hand is also kept as an example (its name and folders): the tie-breaker learns
 * from it for the round's later files, beside the round's own examples. Files already read keep their classification
 * (staff reprocess a message to read it again).
 */
import type { Round } from '../domain/catalogue.ts';
import { IntakeError } from '../domain/errors.ts';
import type { DocumentRecord, SettledExample, VocabularyWord } from '../domain/records.ts';
import { proposeWord } from '../parsing/evidence/propose.ts';
import type { AppContext, UsingRecords } from './context.ts';

/** How long a process keeps the accepted words before reading them again (a warm Lambda sees new ones by then). */
export const ACCEPTED_WORDS_TTL_MS = 30_000;

/** A word to accept or reject that was never proposed. */
export class UnknownWordError extends IntakeError {
  constructor(message: string) {
    super('vocabulary.unknown-word', 'input', message, '没有这个待审核的词（intake vocabulary 列出待审核的词）');
    this.name = 'UnknownWordError';
  }
}

const cached = new WeakMap<object, { at: number; words: VocabularyWord[]; examples: SettledExample[] }>();
const derived = new Map<string, Round>();

/** Proposes the word a file classified by hand for one indicator holds, unless it was proposed before. */
export async function proposeFromClassification(
  ctx: UsingRecords<'vocabulary', 'round' | 'clock'>,
  input: { doc: DocumentRecord; baseId: string; indicators: readonly string[]; actor: string },
): Promise<VocabularyWord | null> {
  // A table for several indicators says nothing about any one of them.
  const [indicator, ...others] = input.indicators;
  if (!indicator || others.length > 0) return null;
  const word = proposeWord(input.doc.fileName, indicator, ctx.round);
  if (!word) return null;
  const proposal: VocabularyWord = {
    roundId: ctx.round.id,
    word,
    indicator,
    state: 'proposed',
    from: { baseId: input.baseId, documentId: input.doc.id, fileName: input.doc.fileName },
    proposedBy: input.actor,
    proposedAt: ctx.clock.now().toISOString(),
    decidedBy: null,
    decidedAt: null,
  };
  return (await ctx.records.vocabulary.save(proposal, { onlyNew: true })) ? proposal : null;
}

/**
 * Keeps a file classified by hand as an example for the classifier (its name and folders, and what staff said it is
 * evidence for; none when staff said it is no evidence). The document's earlier example is replaced.
 */
export async function recordSettledExample(
  ctx: UsingRecords<'examples', 'round' | 'clock'>,
  input: { doc: DocumentRecord; baseId: string; indicators: readonly string[]; actor: string },
): Promise<SettledExample> {
  const example: SettledExample = {
    roundId: ctx.round.id,
    documentId: input.doc.id,
    baseId: input.baseId,
    name: input.doc.fileName,
    folders: (input.doc.folderPath ?? '').split('/').filter(Boolean),
    indicators: [...input.indicators],
    settledBy: input.actor,
    settledAt: ctx.clock.now().toISOString(),
  };
  await ctx.records.examples.save(example);
  cached.delete(ctx.records);
  return example;
}

/** The round's vocabulary words: proposed first (oldest first), then accepted and rejected. */
export async function listVocabularyWords(ctx: UsingRecords<'vocabulary', 'round'>): Promise<VocabularyWord[]> {
  const order = { proposed: 0, accepted: 1, rejected: 2 } as const;
  return (await ctx.records.vocabulary.list(ctx.round.id)).sort(
    (a, b) => order[a.state] - order[b.state] || a.proposedAt.localeCompare(b.proposedAt),
  );
}

/** Accepts or rejects a proposed word (or takes an accepted one back by rejecting it); audited. */
export async function decideVocabularyWord(
  ctx: AppContext,
  input: { indicator: string; word: string; accept: boolean; actor: string; reason?: string },
): Promise<VocabularyWord> {
  const words = await ctx.records.vocabulary.list(ctx.round.id);
  const found = words.find((w) => w.indicator === input.indicator && w.word === input.word);
  if (!found) throw new UnknownWordError(`no proposed word ${input.word} for ${input.indicator}`);
  const at = ctx.clock.now().toISOString();
  const decided: VocabularyWord = {
    ...found,
    state: input.accept ? 'accepted' : 'rejected',
    decidedBy: input.actor,
    decidedAt: at,
  };
  await ctx.records.vocabulary.save(decided);
  await ctx.records.audit.append({
    id: `${at}-vocab-${input.indicator}-${input.word}`,
    at,
    actor: input.actor,
    action: input.accept ? 'accept-vocabulary-word' : 'reject-vocabulary-word',
    baseId: null,
    submissionId: null,
    reason: input.reason ?? (input.accept ? '采纳词表建议' : '不采纳词表建议'),
    details: { word: input.word, indicator: input.indicator, from: found.from.fileName },
  });
  cached.delete(ctx.records);
  return decided;
}

/**
 * The context to read a message's files with: the round's vocabulary with the words staff accepted, and its examples
 * with the files staff classified by hand (both read again after ACCEPTED_WORDS_TTL_MS). The same context when there
 * are none.
 */
export async function withAcceptedWords(ctx: AppContext): Promise<AppContext> {
  const now = Date.now();
  let entry = cached.get(ctx.records);
  if (!entry || now - entry.at > ACCEPTED_WORDS_TTL_MS) {
    try {
      const [words, examples] = await Promise.all([
        ctx.records.vocabulary.list(ctx.round.id),
        ctx.records.examples.list(ctx.round.id),
      ]);
      entry = { at: now, words, examples };
      cached.set(ctx.records, entry);
    } catch (error) {
      // The words refine the classifier; a store that cannot list them now never holds up receiving a message: the
      // words read before (or the round's vocabulary alone) serve, and the next message asks again.
      console.warn(`vocabulary words not read, classifying without the newest: ${(error as Error).message}`);
      if (!entry) return ctx;
    }
  }
  const accepted = entry.words.filter((w) => w.state === 'accepted');
  const settled = entry.examples.filter((e) => e.indicators.length > 0);
  if (accepted.length === 0 && settled.length === 0) return ctx;
  return { ...ctx, round: roundWithTeaching(ctx.round, accepted, settled) };
}

/** The round with accepted words added to its vocabulary and settled files to its examples (one derived round each). */
function roundWithTeaching(round: Round, words: readonly VocabularyWord[], settled: readonly SettledExample[]): Round {
  const key = [
    round.id,
    words.map((w) => `${w.indicator}:${w.word}`).join('|'),
    settled.map((e) => `${e.documentId}:${e.indicators.join('+')}`).join('|'),
  ].join('\u0001');
  const known = derived.get(key);
  if (known) return known;
  const vocabulary = round.vocabulary ?? { generic: [], shareable: [], refines: [], terms: [] };
  const examples = round.examples ?? { source: '', examples: [] };
  const out: Round = {
    ...round,
    vocabulary: {
      ...vocabulary,
      terms: [...vocabulary.terms, ...words.map((w) => ({ indicator: w.indicator, weight: 3, words: [w.word] }))],
    },
    examples: {
      ...examples,
      examples: [
        ...examples.examples,
        ...settled.map((e) => ({ name: e.name, folders: e.folders, indicators: e.indicators })),
      ],
    },
  };
  // Each derived round builds its own tie-breaker model (about 5 MB): only the newest few are kept.
  if (derived.size > 2) derived.clear();
  derived.set(key, out);
  return out;
}
