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

  it('adds files classified by hand to a copy of the round examples, leaving those staff said are no evidence out', async () => {
    // Prepare
    const records = memoryRecords();
    const settled = (documentId: string, name: string, indicators: string[]) => ({
      roundId: '2023',
      documentId,
      baseId: 'p02',
      name,
      folders: ['补充'],
      indicators,
      settledBy: 'admin',
      settledAt: '2023-11-06T00:00:00Z',
    });
    await records.examples.save(settled('s/1', '商家主播.pdf', ['merchants-products']));
    await records.examples.save(settled('s/2', '会议通知.pdf', []));
    const ctx = { round, records } as unknown as AppContext;

    // Act
    const readCtx = await withAcceptedWords(ctx);

    // Assess
    const before = round.examples?.examples.length ?? 0;
    expect(readCtx.round.examples?.examples).toHaveLength(before + 1);
    expect(readCtx.round.examples?.examples.at(-1)).toEqual({
      name: '商家主播.pdf',
      folders: ['补充'],
      indicators: ['merchants-products'],
    });
    expect(round.examples?.examples).toHaveLength(before);
  });
});
