import { describe, expect, it, vi } from 'vitest';
import { memoryRecords } from '../../../shared/adapters/memory/records/index.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import type { VocabularyRecords } from '../../../shared/ports/index.ts';
import type { AppContext } from '../../../shared/use-cases/context.ts';
import { withAcceptedWords } from '../../../shared/use-cases/vocabulary-words.ts';

const round = loadRound('2023');

describe('withAcceptedWords', () => {
  it('reads the message with the round vocabulary alone when the store cannot list the words', async () => {
    // Prepare: a store that fails (throttled, unreachable) — receiving the message must not depend on it.
    const failing: VocabularyRecords = {
      save: async () => true,
      list: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    const ctx = { round, records: { ...memoryRecords(), vocabulary: failing } } as unknown as AppContext;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

    // Act
    const readCtx = await withAcceptedWords(ctx);

    // Assess
    expect(readCtx).toBe(ctx);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ProvisionedThroughputExceededException'));
    warn.mockRestore();
  });

  it('adds accepted words (weight 3) to a copy of the round, leaving proposed and rejected ones out', async () => {
    // Prepare
    const word = (text: string, state: 'proposed' | 'accepted' | 'rejected') => ({
      roundId: '2023',
      word: text,
      indicator: 'promotions',
      state,
      from: { baseId: 'p02', documentId: 's/x', fileName: `${text}.jpg` },
      proposedBy: 's',
      proposedAt: '2023-11-06T00:00:00Z',
      decidedBy: null,
      decidedAt: null,
    });
    const records = memoryRecords();
    for (const stored of [word('晋享云集', 'accepted'), word('待定词', 'proposed'), word('不要词', 'rejected')])
      await records.vocabulary.save(stored);
    const ctx = { round, records } as unknown as AppContext;

    // Act
    const readCtx = await withAcceptedWords(ctx);

    // Assess
    expect(readCtx.round).not.toBe(round);
    const added = readCtx.round.vocabulary?.terms.filter((t) => t.indicator === 'promotions' && t.weight === 3) ?? [];
    expect(added.flatMap((t) => t.words)).toContain('晋享云集');
    expect(added.flatMap((t) => t.words)).not.toContain('待定词');
    expect(added.flatMap((t) => t.words)).not.toContain('不要词');
    expect(round.vocabulary?.terms.flatMap((t) => t.words)).not.toContain('晋享云集');
  });
});
