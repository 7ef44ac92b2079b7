/**
 * The statuses and decisions ports on both stores: a status never replaced by one from an earlier revision,
 * revisions raised once per call, statuses listed by city and base; the latest decision per kind and key.
 */
import { expect, it } from 'vitest';
import type { CityId } from '../../../shared/domain/catalogue.ts';
import type { BaseStatus, Decision } from '../../../shared/domain/records.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { baseStatus } from '../../fixtures/notices.ts';
import { describeOnEachStore } from './stores.ts';

const round = loadRound('2023');
const AS_OF = '2023-11-01T00:00:00.000Z';

/** The status of a base of the round in a state. */
function status(baseId: string, state: BaseStatus['state']): BaseStatus {
  return baseStatus(round, baseId, AS_OF, { state });
}

/** Base ids of the round in a city. */
function basesOf(city: CityId): string[] {
  return round.bases.filter((b) => b.city === city).map((b) => b.id);
}

describeOnEachStore('statuses', (records) => {
  it('never replaces a status computed from a later revision', async () => {
    // Prepare
    const [baseId] = basesOf('linfen');

    // Act
    const r1 = await records().statuses.bumpRevision(baseId!);
    const saved = await records().statuses.save(status(baseId!, 'incomplete'), r1);
    const r2 = await records().statuses.bumpRevision(baseId!);
    const newer = await records().statuses.save(status(baseId!, 'complete'), r2);
    const stale = await records().statuses.save(status(baseId!, 'not-received'), r1);
    const same = await records().statuses.save(status(baseId!, 'complete'), r2);

    // Assess
    expect([r1, r2, saved, newer, stale, same]).toEqual([1, 2, 'saved', 'saved', 'stale', 'saved']);
    expect((await records().statuses.list('linfen')).map((s) => [s.baseId, s.state])).toEqual([[baseId, 'complete']]);
    expect(await records().statuses.getRevision(baseId!)).toBe(2);
  });

  it('saves a status without a revision as revision 0, which any revision may replace', async () => {
    // Prepare
    const [baseId] = basesOf('datong');
    await records().statuses.save(status(baseId!, 'incomplete'));

    // Act
    const again = await records().statuses.save(status(baseId!, 'complete'));
    const later = await records().statuses.save(status(baseId!, 'not-received'), 1);
    const unrevised = await records().statuses.save(status(baseId!, 'complete'));

    // Assess
    expect([again, later, unrevised]).toEqual(['saved', 'saved', 'stale']);
  });

  it('lists statuses of one city or of all, by city and base id', async () => {
    // Prepare
    const taiyuan = basesOf('taiyuan').slice(0, 2).reverse();
    const datong = basesOf('datong').slice(0, 1);
    for (const baseId of [...taiyuan, ...datong]) await records().statuses.save(status(baseId, 'not-received'));

    // Act
    const ofTaiyuan = await records().statuses.list('taiyuan');
    const all = await records().statuses.list();

    // Assess
    expect(ofTaiyuan.map((s) => s.baseId)).toEqual([...taiyuan].sort());
    expect(all.map((s) => `${s.city}:${s.baseId}`)).toEqual(
      [...datong.map((id) => `datong:${id}`), ...[...taiyuan].sort().map((id) => `taiyuan:${id}`)].sort(),
    );
    expect(await records().statuses.list('linfen')).toEqual([]);
  });

  it('lists statuses with the revision each was computed from, and reads many revisions at once', async () => {
    // Prepare
    const [first, second, third] = basesOf('taiyuan');
    const r1 = await records().statuses.bumpRevision(first!);
    await records().statuses.save(status(first!, 'incomplete'), r1);
    await records().statuses.save(status(second!, 'not-received'));
    await records().statuses.bumpRevision(first!);
    // More than one BatchGetItem's 100 keys, most of them never raised.
    const many = [first!, second!, third!, ...Array.from({ length: 120 }, (_, i) => `x${i}`)];

    // Act
    const listed = await records().statuses.listWithRevisions('taiyuan');
    const revisions = await records().statuses.getRevisions(many);

    // Assess
    expect(listed.map((s) => [s.status.baseId, s.status.state, s.revision])).toEqual(
      [
        [first, 'incomplete', 1],
        [second, 'not-received', 0],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(revisions.size).toBe(many.length);
    expect([revisions.get(first!), revisions.get(second!), revisions.get('x119')]).toEqual([2, 0, 0]);
    // Copies out: changing what was read changes nothing stored.
    (listed[0] as { status: BaseStatus }).status.state = 'complete';
    expect((await records().statuses.listWithRevisions('taiyuan'))[0]?.status.state).not.toBe('complete');
  });

  it('starts a revision at 0 and raises it exactly once per call under concurrency', async () => {
    // Act
    const before = await records().statuses.getRevision('p06');
    const values = await Promise.all(Array.from({ length: 10 }, () => records().statuses.bumpRevision('p06')));

    // Assess
    expect(before).toBe(0);
    expect(values.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await records().statuses.getRevision('p06')).toBe(10);
    expect(await records().statuses.getRevision('p07')).toBe(0);
  });
});

describeOnEachStore('decisions', (records) => {
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

  it('keeps the latest decision per kind and key, and lists only those in force', async () => {
    // Act
    await records().decisions.save(decision);
    const inForce = await records().decisions.list('p07');
    await records().decisions.save({ ...decision, active: false });

    // Assess
    expect(inForce).toEqual([decision]);
    expect(await records().decisions.list('p07')).toEqual([]);
  });

  it('lists a base’s decisions by kind and key, apart from other bases’', async () => {
    // Prepare
    await records().decisions.save({ ...decision, key: 'talents' });
    await records().decisions.save({ ...decision, kind: 'waive-finding', key: 'report-form' });
    await records().decisions.save(decision);
    await records().decisions.save({ ...decision, baseId: 'p08' });

    // Act
    const listed = await records().decisions.list('p07');

    // Assess
    expect(listed.map((d) => `${d.kind}#${d.key}`)).toEqual([
      'not-applicable#financing',
      'not-applicable#talents',
      'waive-finding#report-form',
    ]);
  });
});
