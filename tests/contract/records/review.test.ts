/**
 * The review and vocabulary ports on both stores: an expert's record written only at the version read, experts,
 * prior grades and deductions listed per round by their keys, objections in the order they came (an outcome
 * replacing in place); a vocabulary word stored once when only a new one is wanted; a file classified by hand kept
 * as one example per document.
 */
import { expect, it } from 'vitest';
import type { SettledExample, VocabularyWord } from '../../../shared/domain/records.ts';
import type { ExpertRecord, Objection, StoredDeduction } from '../../../shared/domain/review-records.ts';
import { describeOnEachStore } from './stores.ts';

function expertRecord(version: number, note: string, over: Partial<ExpertRecord> = {}): ExpertRecord {
  return {
    roundId: '2023',
    expert: '专家A',
    issued: { at: note, by: 's', bases: ['p01'] },
    scores: {},
    workbooks: [],
    version,
    updatedAt: note,
    ...over,
  };
}

describeOnEachStore('review', (records) => {
  it('writes an expert’s record once per version, also under concurrency, and lists experts by name', async () => {
    // Act
    const created = await records().review.putExpert(expertRecord(1, 'first'), null);
    const again = await records().review.putExpert(expertRecord(1, 'again'), null);
    const racers = await Promise.all(
      ['a', 'b', 'c', 'd'].map((n) => records().review.putExpert(expertRecord(2, n), 1)),
    );
    const stale = await records().review.putExpert(expertRecord(2, 'stale'), 1);
    const unknown = await records().review.putExpert(expertRecord(2, 'x', { expert: '专家Z' }), 1);
    await records().review.putExpert(expertRecord(1, 'other', { expert: '专家B' }), null);
    await records().review.putExpert(expertRecord(1, 'other round', { roundId: '2024' }), null);

    // Assess
    expect([created, again, stale, unknown]).toEqual([true, false, false, false]);
    expect(racers.filter(Boolean)).toHaveLength(1);
    const stored = await records().review.getExpert('2023', '专家A');
    expect(stored?.version).toBe(2);
    expect(['a', 'b', 'c', 'd']).toContain(stored?.updatedAt);
    expect(await records().review.getExpert('2023', '专家C')).toBeNull();
    expect((await records().review.listExperts('2023')).map((r) => r.expert)).toEqual(['专家A', '专家B']);
    expect((await records().review.listExperts('2024')).map((r) => r.updatedAt)).toEqual(['other round']);
  });

  it('keeps one prior grade per base of a round, the last entered', async () => {
    // Act
    await records().review.savePriorGrade({ roundId: '2023', baseId: 'n-2', year: 2022, grade: 'B', source: 'staff' });
    await records().review.savePriorGrade({ roundId: '2023', baseId: 'n-1', year: 2022, grade: 'B', source: 'staff' });
    await records().review.savePriorGrade({ roundId: '2023', baseId: 'n-1', year: 2022, grade: 'A', source: 'staff' });

    // Assess
    expect((await records().review.listPriorGrades('2023')).map((g) => [g.baseId, g.grade])).toEqual([
      ['n-1', 'A'],
      ['n-2', 'B'],
    ]);
    expect(await records().review.listPriorGrades('2024')).toEqual([]);
  });

  it('keeps manual deductions by id and objections in the order they came, an outcome replacing in place', async () => {
    // Prepare
    const deduction: StoredDeduction = {
      roundId: '2023',
      id: 'd1',
      baseId: 'p01',
      points: 2,
      reason: '数据不实',
      active: true,
      actor: 's',
      at: '2023-11-21T00:00:00Z',
    };
    const objection: Objection = {
      roundId: '2023',
      id: 'o2',
      baseId: 'p20',
      raisedBy: '某单位',
      receivedOn: '2023-11-28',
      summary: 's',
      outcome: null,
      actor: 's',
      at: '2023-11-28T01:00:00Z',
    };

    // Act
    await records().review.saveDeduction(deduction);
    await records().review.saveDeduction({ ...deduction, active: false });
    await records().review.saveDeduction({ ...deduction, id: 'd2', baseId: 'p02' });
    await records().review.saveObjection(objection);
    await records().review.saveObjection({ ...objection, id: 'o1', at: '2023-11-27T01:00:00Z' });
    await records().review.saveObjection({
      ...objection,
      outcome: { decision: 'rejected', note: 'n', decidedOn: '2023-12-05', actor: 's' },
    });

    // Assess
    expect((await records().review.listDeductions('2023')).map((d) => [d.id, d.active])).toEqual([
      ['d1', false],
      ['d2', true],
    ]);
    expect((await records().review.listObjections('2023')).map((o) => [o.id, o.outcome?.decision ?? null])).toEqual([
      ['o1', null],
      ['o2', 'rejected'],
    ]);
    expect(await records().review.listDeductions('2024')).toEqual([]);
    expect(await records().review.listObjections('2024')).toEqual([]);
  });
});

describeOnEachStore('vocabulary', (records) => {
  const word: VocabularyWord = {
    roundId: '2023',
    word: '晋享云集',
    indicator: 'promotions',
    state: 'proposed',
    from: { baseId: 'p02', documentId: 's1/abc', fileName: '晋享云集.jpg' },
    proposedBy: 's',
    proposedAt: '2023-11-06T00:00:00Z',
    decidedBy: null,
    decidedAt: null,
  };

  it('stores a word once when asked for a new one (also under concurrency), then replaces it by decision', async () => {
    // Act
    const firsts = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        records().vocabulary.save({ ...word, proposedBy: `s${i}` }, { onlyNew: true }),
      ),
    );
    const again = await records().vocabulary.save(word, { onlyNew: true });
    const decided = await records().vocabulary.save({
      ...word,
      state: 'accepted',
      decidedBy: 'admin',
      decidedAt: '2023-11-07T00:00:00Z',
    });
    await records().vocabulary.save({ ...word, indicator: 'official-events' }, { onlyNew: true });

    // Assess
    expect(firsts.filter(Boolean)).toHaveLength(1);
    expect([again, decided]).toEqual([false, true]);
    expect((await records().vocabulary.list('2023')).map((w) => [w.indicator, w.word, w.state])).toEqual([
      ['official-events', '晋享云集', 'proposed'],
      ['promotions', '晋享云集', 'accepted'],
    ]);
    expect(await records().vocabulary.list('2024')).toEqual([]);
  });
});

describeOnEachStore('examples', (records) => {
  const example: SettledExample = {
    roundId: '2023',
    documentId: 's1/abc',
    baseId: 'p02',
    name: '商家主播.pdf',
    folders: ['证明材料'],
    indicators: ['anchors'],
    settledBy: 'admin',
    settledAt: '2023-11-06T00:00:00Z',
  };

  it('keeps one example per document, the last classification standing, per round', async () => {
    // Act
    await records().examples.save(example);
    await records().examples.save({
      ...example,
      indicators: ['merchants-products'],
      settledAt: '2023-11-07T00:00:00Z',
    });
    await records().examples.save({ ...example, documentId: 's2/def', name: '主播.pdf', indicators: [] });

    // Assess
    expect((await records().examples.list('2023')).map((e) => [e.documentId, e.name, e.indicators])).toEqual([
      ['s1/abc', '商家主播.pdf', ['merchants-products']],
      ['s2/def', '主播.pdf', []],
    ]);
    expect(await records().examples.list('2024')).toEqual([]);
  });
});
