/**
 * The submissions port on both stores: created once, finished once, listed by base, unmatched or quarantined (oldest
 * first), duplicates in no list but readable by id, Message-IDs claimed by the first submission.
 */
import { expect, it } from 'vitest';
import type { Submission } from '../../../shared/domain/records.ts';
import { submission } from '../../fixtures/records.ts';
import { describeOnEachStore } from './stores.ts';

describeOnEachStore('submissions', (records) => {
  it('creates a submission once and never overwrites it by create', async () => {
    // Prepare
    const sub = submission('c1', 'p01', '2023-11-01T00:00:00.000Z');

    // Act
    const first = await records().submissions.create(sub);
    const second = await records().submissions.create({ ...sub, subject: 'other' });

    // Assess
    expect([first, second]).toEqual(['created', 'exists']);
    expect(await records().submissions.get('c1')).toEqual(sub);
    expect(await records().submissions.get('missing')).toBeNull();
  });

  it('replaces a submission on save', async () => {
    // Prepare
    const sub = submission('s1', 'p01', '2023-11-01T00:00:00.000Z');
    await records().submissions.create(sub);

    // Act
    await records().submissions.save({ ...sub, subject: 'replaced' });

    // Assess
    expect((await records().submissions.get('s1'))?.subject).toBe('replaced');
  });

  it('finishes a received submission once under concurrency, and again only when forced (a reprocess)', async () => {
    // Prepare
    const received: Submission = { ...submission('f1', 'p01', '2023-11-01T00:00:00.000Z'), state: 'received' };
    await records().submissions.create(received);
    const finished: Submission = { ...received, state: 'processed' };

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        records().submissions.finish({ ...finished, subject: `run ${i}` }, { force: false }),
      ),
    );
    const late = await records().submissions.finish({ ...finished, subject: 'late' }, { force: false });
    const forced = await records().submissions.finish({ ...finished, subject: 'reprocessed' }, { force: true });

    // Assess
    expect(outcomes.filter((o) => o === 'finished')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'finished-already')).toHaveLength(4);
    expect(late).toBe('finished-already');
    expect(forced).toBe('finished');
    expect((await records().submissions.get('f1'))?.subject).toBe('reprocessed');
  });

  it('does not finish a submission that was never created unless forced', async () => {
    // Prepare
    const sub = submission('f2', 'p01', '2023-11-01T00:00:00.000Z');

    // Act
    const unforced = await records().submissions.finish(sub, { force: false });
    const absent = await records().submissions.get('f2');
    const forced = await records().submissions.finish(sub, { force: true });

    // Assess
    expect([unforced, absent, forced]).toEqual(['finished-already', null, 'finished']);
    expect(await records().submissions.get('f2')).toEqual(sub);
  });

  it('lists submissions by base, oldest first, and keeps unmatched, quarantined and duplicates apart', async () => {
    // Prepare
    await records().submissions.save(submission('c3', 'p01', '2023-11-03T00:00:00.000Z'));
    await records().submissions.save(submission('c1', 'p01', '2023-11-01T00:00:00.000Z'));
    await records().submissions.save(submission('c2', 'p01', '2023-11-02T00:00:00.000Z'));
    await records().submissions.save(submission('other', 'p02', '2023-11-02T00:00:00.000Z'));
    await records().submissions.save({ ...submission('u2', 'x', '2023-11-05T00:00:00.000Z'), baseId: null });
    await records().submissions.save({ ...submission('u1', 'x', '2023-11-02T00:00:00.000Z'), baseId: null });
    await records().submissions.save({
      ...submission('q1', 'p01', '2023-11-02T00:00:00.000Z'),
      quarantine: { reasons: ['spam'] },
    });
    await records().submissions.save({ ...submission('d1', 'p01', '2023-11-02T00:00:00.000Z'), state: 'duplicate' });

    // Act
    const ofBase = await records().submissions.listByBase('p01');
    const unmatched = await records().submissions.listUnmatched();
    const quarantined = await records().submissions.listQuarantined();
    const all = await records().submissions.listAll();

    // Assess
    expect(ofBase.map((s) => s.id)).toEqual(['c1', 'c2', 'c3']);
    expect(unmatched.map((s) => s.id)).toEqual(['u1', 'u2']);
    expect(quarantined.map((s) => s.id)).toEqual(['q1']);
    expect(all.map((s) => s.id).sort()).toEqual(['c1', 'c2', 'c3', 'd1', 'other', 'q1', 'u1', 'u2']);
    expect((await records().submissions.get('d1'))?.state).toBe('duplicate');
    expect(await records().submissions.listByBase('p99')).toEqual([]);
  });

  it('moves a submission between lists when it is saved with a base, and orders equal times by id', async () => {
    // Prepare
    const at = '2023-11-02T00:00:00.000Z';
    await records().submissions.save({ ...submission('m2', 'x', at), baseId: null });
    await records().submissions.save(submission('m1', 'p03', at));

    // Act
    await records().submissions.save(submission('m2', 'p03', at));

    // Assess
    expect(await records().submissions.listUnmatched()).toEqual([]);
    expect((await records().submissions.listByBase('p03')).map((s) => s.id)).toEqual(['m1', 'm2']);
  });

  it('claims a Message-ID for the first submission only, also under concurrency', async () => {
    // Act
    const holders = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((id) => records().submissions.claimMessageId('<m@x>', id)),
    );
    const later = await records().submissions.claimMessageId('<m@x>', 'z');
    const other = await records().submissions.claimMessageId('<n@x>', 'z');

    // Assess
    expect(new Set(holders).size).toBe(1);
    expect(later).toBe(holders[0]);
    expect(other).toBe('z');
  });

  it('gives copies: changing what was saved or read does not change the store', async () => {
    // Prepare
    const sub = submission('k1', 'p01', '2023-11-01T00:00:00.000Z');
    await records().submissions.create(sub);

    // Act
    sub.subject = 'changed after save';
    sub.findings.push({ code: 'x', severity: 'info', message: 'm' } as Submission['findings'][number]);
    const read = await records().submissions.get('k1');
    if (read) read.subject = 'changed after read';

    // Assess
    expect((await records().submissions.get('k1'))?.subject).toBe('test');
    expect((await records().submissions.get('k1'))?.findings).toEqual([]);
  });
});
