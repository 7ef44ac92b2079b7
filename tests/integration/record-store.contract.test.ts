/**
 * The RecordStore contract, run against the DynamoDB adapter on the embedded stand-in (dynalite) with the real SDK
 * client: the behaviour every use case relies on, method by method.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseStatus, Decision } from '../../shared/domain/records.ts';
import type { ExpertRecord } from '../../shared/domain/review-records.ts';
import type { Records } from '../../shared/ports/index.ts';
import { document, submission } from '../fixtures/records.ts';
import { startTestStack } from './helpers.ts';

function status(baseId: string, city: BaseStatus['city'], state: BaseStatus['state']): BaseStatus {
  return {
    baseId,
    name: baseId,
    city,
    category: 'provincial',
    state,
    late: false,
    lateItems: [],
    overdue: false,
    overdueItems: [],
    submissions: 0,
    firstReceivedAt: null,
    lastReceivedAt: null,
    documents: [],
    missing: { documents: [], formItems: [], evidence: [] },
    pendingEvidence: [],
    findings: [],
    formValues: [],
    waived: [],
    notApplicable: [],
    paperCopies: 0,
    paperCopiesReceivedOn: null,
    paperLate: false,
    actions: [],
    asOf: '2023-11-01T00:00:00.000Z',
  };
}

describe('RecordStore contract (DynamoDB adapter on dynalite)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let store: Records;
  beforeAll(async () => {
    stack = await startTestStack();
    store = stack.ctx.records;
  });
  afterAll(async () => {
    await stack.dispose();
  });

  it('creates a submission once and never overwrites it by create', async () => {
    // Prepare
    const sub = submission('c1', 'p01', '2023-11-01T00:00:00.000Z');

    // Act
    const first = await store.submissions.create(sub);
    const second = await store.submissions.create({ ...sub, subject: 'other' });

    // Assess
    expect([first, second]).toEqual(['created', 'exists']);
    expect((await store.submissions.get('c1'))?.subject).toBe('test');
    expect(await store.submissions.get('missing')).toBeNull();
  });

  it('finishes a received submission once under concurrency, and again only when forced (a reprocess)', async () => {
    // Prepare
    const received = { ...submission('f1', 'p-finish', '2023-11-01T00:00:00.000Z'), state: 'received' as const };
    await store.submissions.create(received);
    const finished = { ...received, state: 'processed' as const };

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.submissions.finish({ ...finished, subject: `run ${i}` }, { force: false }),
      ),
    );
    const late = await store.submissions.finish({ ...finished, subject: 'late' }, { force: false });
    const forced = await store.submissions.finish({ ...finished, subject: 'reprocessed' }, { force: true });

    // Assess
    expect(outcomes.filter((o) => o === 'finished')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'finished-already')).toHaveLength(4);
    expect(late).toBe('finished-already');
    expect(forced).toBe('finished');
    expect((await store.submissions.get('f1'))?.subject).toBe('reprocessed');
  });

  it('lists submissions by base, oldest first, and keeps unmatched, quarantined and duplicates apart', async () => {
    // Prepare
    await store.submissions.save(submission('c3', 'p01', '2023-11-03T00:00:00.000Z'));
    await store.submissions.save(submission('c2', 'p01', '2023-11-02T00:00:00.000Z'));
    await store.submissions.save({ ...submission('u1', 'x', '2023-11-02T00:00:00.000Z'), baseId: null });
    await store.submissions.save({
      ...submission('q1', 'x', '2023-11-02T00:00:00.000Z'),
      baseId: null,
      quarantine: { reasons: ['spam'] },
    });
    await store.submissions.save({ ...submission('d1', 'p01', '2023-11-02T00:00:00.000Z'), state: 'duplicate' });

    // Act
    const ofBase = await store.submissions.listByBase('p01');

    // Assess
    expect(ofBase.map((s) => s.id)).toEqual(['c1', 'c2', 'c3']);
    expect((await store.submissions.listUnmatched()).map((s) => s.id)).toEqual(['u1']);
    expect((await store.submissions.listQuarantined()).map((s) => s.id)).toEqual(['q1']);
  });

  it('claims a Message-ID for the first submission only, also under concurrency', async () => {
    // Act
    const holders = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((id) => store.submissions.claimMessageId('<m@x>', id)),
    );

    // Assess
    expect(new Set(holders).size).toBe(1);
    expect(await store.submissions.claimMessageId('<m@x>', 'z')).toBe(holders[0]);
  });

  it('moves documents with their base and lists them by submission and by base', async () => {
    // Prepare
    const sub = submission('c9', 'p02', '2023-11-04T00:00:00.000Z');
    const doc = document(sub, 'a.pdf', 'evidence');

    // Act
    await store.documents.save({ ...doc, baseId: null });
    const unassigned = await store.documents.listByBase('p02');
    await store.documents.save(doc);

    // Assess
    expect(unassigned).toEqual([]);
    expect((await store.documents.listByBase('p02')).map((d) => d.fileName)).toEqual(['a.pdf']);
    expect((await store.documents.listBySubmission('c9')).map((d) => d.fileName)).toEqual(['a.pdf']);
  });

  it('never replaces a status computed from a later revision', async () => {
    // Act
    const r1 = await store.statuses.bumpRevision('p05');
    const saved = await store.statuses.save(status('p05', 'linfen', 'incomplete'), r1);
    const r2 = await store.statuses.bumpRevision('p05');
    await store.statuses.save(status('p05', 'linfen', 'complete'), r2);
    const stale = await store.statuses.save(status('p05', 'linfen', 'not-received'), r1);

    // Assess
    expect([r1, r2, saved, stale]).toEqual([1, 2, 'saved', 'stale']);
    expect((await store.statuses.list('linfen')).map((s) => s.state)).toEqual(['complete']);
    expect(await store.statuses.getRevision('p05')).toBe(2);
  });

  it('raises a revision exactly once per call under concurrency', async () => {
    // Act
    const values = await Promise.all(Array.from({ length: 10 }, () => store.statuses.bumpRevision('p06')));

    // Assess
    expect(values.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('keeps the latest decision per kind and key, and lists only those in force', async () => {
    // Prepare
    const decision: Decision = {
      baseId: 'p07',
      kind: 'not-applicable',
      key: 'financing',
      active: true,
      value: {},
      actor: 'a',
      at: '2023-11-05T00:00:00.000Z',
      reason: 'r',
    };

    // Act
    await store.decisions.save(decision);
    const inForce = await store.decisions.list('p07');
    await store.decisions.save({ ...decision, active: false });

    // Assess
    expect(inForce.map((d) => d.key)).toEqual(['financing']);
    expect(await store.decisions.list('p07')).toEqual([]);
  });

  it('stores senders, audit events (newest first), registered bases, city records and notices', async () => {
    // Act
    await store.senders.save({ address: 'A@x.cn', baseId: 'p01', confirmedBy: 's', confirmedAt: 't' });
    for (const at of ['2023-11-01T00:00:00Z', '2023-11-02T00:00:00Z']) {
      await store.audit.append({
        id: at,
        at,
        actor: 's',
        action: 'x',
        baseId: 'p01',
        submissionId: null,
        reason: 'r',
        details: {},
      });
    }
    await store.registeredBases.save('2023', {
      id: 'n-1',
      name: '新基地',
      city: 'taiyuan',
      category: 'new',
      grade2021: null,
      aliases: [],
      participating: true,
    });
    await store.cities.save({
      city: 'datong',
      letterReceivedAt: null,
      letterSource: null,
      letterDocumentId: null,
      pilotUnits: [],
      ranking: [],
      updatedBy: 's',
      updatedAt: 't',
    });
    await store.notices.save({
      id: 'n1',
      city: 'datong',
      to: ['a@b.cn'],
      subject: 's',
      text: 't',
      contentSha256: 'h',
      asOf: '2023-11-01T00:00:00Z',
      sentAt: null,
      transportId: null,
      error: null,
    });

    // Assess
    expect((await store.senders.get('a@x.cn'))?.baseId).toBe('p01');
    expect((await store.audit.list('p01')).map((e) => e.at)).toEqual(['2023-11-02T00:00:00Z', '2023-11-01T00:00:00Z']);
    expect((await store.registeredBases.list('2023')).map((b) => b.id)).toEqual(['n-1']);
    expect((await store.cities.get('datong'))?.city).toBe('datong');
    expect((await store.cities.list()).map((r) => r.city)).toEqual(['datong']);
    expect((await store.notices.list('datong')).map((n) => n.id)).toEqual(['n1']);
    expect((await store.notices.list()).map((n) => n.id)).toEqual(['n1']);
  });

  it('writes an expert review record once per version, also under concurrency, and lists experts and prior grades', async () => {
    // Prepare
    const record = (version: number, note: string): ExpertRecord => ({
      roundId: '2023',
      expert: '专家A',
      issued: { at: note, by: 's', bases: ['p01'] },
      scores: {},
      workbooks: [],
      version,
      updatedAt: note,
    });

    // Act
    const created = await store.review.putExpert(record(1, 'first'), null);
    const again = await store.review.putExpert(record(1, 'again'), null);
    const racers = await Promise.all(['a', 'b', 'c', 'd'].map((n) => store.review.putExpert(record(2, n), 1)));
    const stale = await store.review.putExpert(record(2, 'stale'), 1);
    await store.review.putExpert({ ...record(1, 'other'), expert: '专家B' }, null);
    await store.review.putExpert({ ...record(1, 'other round'), roundId: '2024' }, null);
    await store.review.savePriorGrade({ roundId: '2023', baseId: 'n-1', year: 2022, grade: 'B', source: 'staff' });
    await store.review.savePriorGrade({ roundId: '2023', baseId: 'n-1', year: 2022, grade: 'A', source: 'staff' });

    // Assess
    expect([created, again, stale]).toEqual([true, false, false]);
    expect(racers.filter(Boolean)).toHaveLength(1);
    const stored = await store.review.getExpert('2023', '专家A');
    expect(stored?.version).toBe(2);
    expect(['a', 'b', 'c', 'd']).toContain(stored?.updatedAt);
    expect(await store.review.getExpert('2023', '专家C')).toBeNull();
    expect((await store.review.listExperts('2023')).map((r) => r.expert)).toEqual(['专家A', '专家B']);
    expect((await store.review.listPriorGrades('2023')).map((g) => [g.baseId, g.grade])).toEqual([['n-1', 'A']]);
    expect(await store.review.listPriorGrades('2024')).toEqual([]);
  });

  it('keeps manual deductions by id and objections in the order they came, an outcome replacing in place', async () => {
    // Prepare
    const deduction = {
      roundId: '2023',
      id: 'd1',
      baseId: 'p01',
      points: 2,
      reason: '数据不实',
      active: true,
      actor: 's',
      at: '2023-11-21T00:00:00Z',
    };
    const objection = {
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
    await store.review.saveDeduction(deduction);
    await store.review.saveDeduction({ ...deduction, active: false });
    await store.review.saveDeduction({ ...deduction, id: 'd2', baseId: 'p02' });
    await store.review.saveObjection(objection);
    await store.review.saveObjection({ ...objection, id: 'o1', at: '2023-11-27T01:00:00Z' });
    await store.review.saveObjection({
      ...objection,
      outcome: { decision: 'rejected', note: 'n', decidedOn: '2023-12-05', actor: 's' },
    });

    // Assess
    expect((await store.review.listDeductions('2023')).map((d) => [d.id, d.active])).toEqual([
      ['d1', false],
      ['d2', true],
    ]);
    expect((await store.review.listObjections('2023')).map((o) => [o.id, o.outcome?.decision ?? null])).toEqual([
      ['o1', null],
      ['o2', 'rejected'],
    ]);
    expect(await store.review.listDeductions('2024')).toEqual([]);
  });

  it('stores a vocabulary word once when asked for a new one (also under concurrency), then replaces it by decision', async () => {
    // Prepare
    const word = {
      roundId: '2023',
      word: '晋享云集',
      indicator: 'promotions',
      state: 'proposed' as const,
      from: { baseId: 'p02', documentId: 's1/abc', fileName: '晋享云集.jpg' },
      proposedBy: 's',
      proposedAt: '2023-11-06T00:00:00Z',
      decidedBy: null,
      decidedAt: null,
    };

    // Act
    const firsts = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.vocabulary.save({ ...word, proposedBy: `s${i}` }, { onlyNew: true })),
    );
    const again = await store.vocabulary.save(word, { onlyNew: true });
    await store.vocabulary.save({
      ...word,
      state: 'accepted',
      decidedBy: 'admin',
      decidedAt: '2023-11-07T00:00:00Z',
    });
    await store.vocabulary.save({ ...word, indicator: 'official-events' }, { onlyNew: true });

    // Assess
    expect(firsts.filter(Boolean)).toHaveLength(1);
    expect(again).toBe(false);
    const stored = await store.vocabulary.list('2023');
    expect(stored.map((w) => [w.indicator, w.word, w.state])).toEqual([
      ['official-events', '晋享云集', 'proposed'],
      ['promotions', '晋享云集', 'accepted'],
    ]);
    expect(await store.vocabulary.list('2024')).toEqual([]);
  });
});
