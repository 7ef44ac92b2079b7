/**
 * Words staff teach the classifier. When staff classify a file by hand for one indicator, its name may hold a word
 * the vocabulary lacks (晋享云集 for 专题促销): it is proposed; staff accept it (the classifier weighs it like the
 * vocabulary's own words of weight 3 for every later file of the round) or reject it. Accepting and rejecting are
 * audited; files already read keep their classification (staff reprocess a message to read it again).
 */
import type { Round } from '../domain/catalogue.ts';
import { IntakeError } from '../domain/errors.ts';
import type { DocumentRecord, VocabularyWord } from '../domain/records.ts';
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

const cached = new WeakMap<object, { at: number; words: VocabularyWord[] }>();
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
 * The context to read a message's files with: the round's vocabulary with the words staff accepted (read again
 * after ACCEPTED_WORDS_TTL_MS). The same context when there are none.
 */
export async function withAcceptedWords(ctx: AppContext): Promise<AppContext> {
  const now = Date.now();
  let entry = cached.get(ctx.records);
  if (!entry || now - entry.at > ACCEPTED_WORDS_TTL_MS) {
    try {
      entry = { at: now, words: await ctx.records.vocabulary.list(ctx.round.id) };
      cached.set(ctx.records, entry);
    } catch (error) {
      // The words refine the classifier; a store that cannot list them now never holds up receiving a message: the
      // words read before (or the round's vocabulary alone) serve, and the next message asks again.
      console.warn(`vocabulary words not read, classifying without the newest: ${(error as Error).message}`);
      if (!entry) return ctx;
    }
  }
  const accepted = entry.words.filter((w) => w.state === 'accepted');
  if (accepted.length === 0) return ctx;
  return { ...ctx, round: roundWithWords(ctx.round, accepted) };
}

/** The round with accepted words added to its vocabulary (one derived round per set of words). */
function roundWithWords(round: Round, words: readonly VocabularyWord[]): Round {
  const key = `${round.id}\u0001${words.map((w) => `${w.indicator}:${w.word}`).join('|')}`;
  const known = derived.get(key);
  if (known) return known;
  const vocabulary = round.vocabulary ?? { generic: [], shareable: [], refines: [], terms: [] };
  const out: Round = {
    ...round,
    vocabulary: {
      ...vocabulary,
      terms: [...vocabulary.terms, ...words.map((w) => ({ indicator: w.indicator, weight: 3, words: [w.word] }))],
    },
  };
  if (derived.size > 20) derived.clear();
  derived.set(key, out);
  return out;
}
