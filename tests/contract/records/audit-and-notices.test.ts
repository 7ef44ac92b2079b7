/**
 * The audit and notices ports on both stores: audit events appended once (a second append of the same event fails)
 * and read newest first per base or for actions tied to none; notices newest first per city and across cities.
 */
import { expect, it } from 'vitest';
import type { AuditEvent, NoticeRecord } from '../../../shared/domain/records.ts';
import { describeOnEachStore } from './stores.ts';

function event(at: string, baseId: string | null, id = at): AuditEvent {
  return { id, at, actor: 's', action: 'x', baseId, submissionId: null, reason: 'r', details: { n: 1 } };
}

function notice(id: string, city: NoticeRecord['city'], asOf: string): NoticeRecord {
  return {
    id,
    city,
    to: ['a@b.cn'],
    subject: 's',
    text: 't',
    contentSha256: 'h',
    asOf,
    sentAt: null,
    transportId: null,
    error: null,
  };
}

describeOnEachStore('audit', (records) => {
  it('reads a base’s events newest first, apart from other bases and from actions tied to none', async () => {
    // Act
    await records().audit.append(event('2023-11-01T00:00:00Z', 'p01'));
    await records().audit.append(event('2023-11-03T00:00:00Z', 'p01'));
    await records().audit.append(event('2023-11-02T00:00:00Z', 'p01'));
    await records().audit.append(event('2023-11-02T00:00:00Z', 'p02'));
    await records().audit.append(event('2023-11-04T00:00:00Z', null));

    // Assess
    expect((await records().audit.list('p01')).map((e) => e.at)).toEqual([
      '2023-11-03T00:00:00Z',
      '2023-11-02T00:00:00Z',
      '2023-11-01T00:00:00Z',
    ]);
    expect(await records().audit.list(null)).toEqual([event('2023-11-04T00:00:00Z', null)]);
    expect(await records().audit.list('p03')).toEqual([]);
  });

  it('refuses to append an event of the same time and id twice, keeping the first', async () => {
    // Prepare
    const first = event('2023-11-01T00:00:00Z', 'p01', 'e1');
    await records().audit.append(first);

    // Act
    const again = records().audit.append({ ...first, reason: 'second' });

    // Assess
    await expect(again).rejects.toThrow();
    expect(await records().audit.list('p01')).toEqual([first]);
  });

  it('keeps events of the same time with other ids', async () => {
    // Act
    await records().audit.append(event('2023-11-01T00:00:00Z', 'p01', 'a'));
    await records().audit.append(event('2023-11-01T00:00:00Z', 'p01', 'b'));

    // Assess
    expect((await records().audit.list('p01')).map((e) => e.id)).toEqual(['b', 'a']);
  });
});

describeOnEachStore('notices', (records) => {
  it('lists a city’s notices newest first, and every city’s newest first when no city is given', async () => {
    // Prepare
    await records().notices.save(notice('n1', 'datong', '2023-11-01T00:00:00Z'));
    await records().notices.save(notice('n3', 'datong', '2023-11-03T00:00:00Z'));
    await records().notices.save(notice('n2', 'taiyuan', '2023-11-02T00:00:00Z'));

    // Act
    const ofDatong = await records().notices.list('datong');
    const all = await records().notices.list();

    // Assess
    expect(ofDatong.map((n) => n.id)).toEqual(['n3', 'n1']);
    expect(all.map((n) => n.id)).toEqual(['n3', 'n2', 'n1']);
    expect(await records().notices.list('linfen')).toEqual([]);
  });

  it('replaces a notice saved again with its city, as-of time and id (its outcome recorded)', async () => {
    // Prepare
    const previewed = notice('n1', 'datong', '2023-11-01T00:00:00Z');
    await records().notices.save(previewed);

    // Act
    await records().notices.save({ ...previewed, sentAt: '2023-11-01T00:01:00Z', transportId: 'm-1' });

    // Assess
    expect(await records().notices.list('datong')).toEqual([
      { ...previewed, sentAt: '2023-11-01T00:01:00Z', transportId: 'm-1' },
    ]);
  });
});
