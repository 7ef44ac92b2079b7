/**
 * The notice-claims and addresses ports on both stores: a claim written only at the version its writer read (none
 * for a new one), digests per city and acknowledgements per address newest first, unsettled claims oldest first
 * and gone once settled; address states kept lower-case, failing ones listed until cleared.
 */
import { expect, it } from 'vitest';
import type { AddressStatus, NoticeClaim } from '../../../shared/domain/notice-claims.ts';
import { describeOnEachStore } from './stores.ts';

function claim(key: string, over: Partial<NoticeClaim> = {}): NoticeClaim {
  return {
    key,
    kind: 'digest',
    city: 'datong',
    submissionId: null,
    trigger: 'schedule',
    slot: null,
    contentSha256: 'h',
    asOf: '2023-11-01T00:00:00Z',
    to: ['bureau@datong.gov.cn'],
    subject: 's',
    text: 't',
    state: 'claimed',
    version: 1,
    attempts: 0,
    claimedAt: '2023-11-01T00:00:00Z',
    leaseUntil: null,
    nextAttemptAt: null,
    sentAt: null,
    transportId: null,
    error: null,
    reason: null,
    findings: [],
    updatedAt: '2023-11-01T00:00:00Z',
    ...over,
  };
}

function ack(key: string, to: string, asOf: string, over: Partial<NoticeClaim> = {}): NoticeClaim {
  return claim(key, { kind: 'ack', city: null, submissionId: key, trigger: 'ack', to: [to], asOf, ...over });
}

describeOnEachStore('notice claims', (records) => {
  it('writes a new claim once: a second writer expecting none hears false', async () => {
    // Act
    const first = await records().noticeClaims.put(claim('digest:datong:1'), null);
    const second = await records().noticeClaims.put(claim('digest:datong:1', { subject: 'other' }), null);

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect((await records().noticeClaims.get('digest:datong:1'))?.subject).toBe('s');
    expect(await records().noticeClaims.get('digest:datong:2')).toBeNull();
  });

  it('replaces a claim only at the version read, one of concurrent writers winning', async () => {
    // Prepare
    await records().noticeClaims.put(claim('k'), null);

    // Act
    const racers = await Promise.all(
      ['a', 'b', 'c', 'd'].map((run) => records().noticeClaims.put(claim('k', { version: 2, reason: run }), 1)),
    );
    const stale = await records().noticeClaims.put(claim('k', { version: 2, reason: 'stale' }), 1);
    const next = await records().noticeClaims.put(claim('k', { version: 3, state: 'sent' }), 2);
    const missing = await records().noticeClaims.put(claim('never-written', { version: 2 }), 1);

    // Assess
    expect(racers.filter(Boolean)).toHaveLength(1);
    expect([stale, next, missing]).toEqual([false, true, false]);
    expect(await records().noticeClaims.get('k')).toMatchObject({ version: 3, state: 'sent' });
    expect(await records().noticeClaims.get('never-written')).toBeNull();
  });

  it('lists a city’s digests and an address’s acknowledgements newest first, apart from each other', async () => {
    // Prepare
    await records().noticeClaims.put(claim('digest:datong:1', { asOf: '2023-11-01T00:00:00Z' }), null);
    await records().noticeClaims.put(claim('digest:datong:2', { asOf: '2023-11-03T00:00:00Z' }), null);
    await records().noticeClaims.put(claim('digest:taiyuan:1', { city: 'taiyuan' }), null);
    await records().noticeClaims.put(ack('ack:s1', 'Base@Example.cn', '2023-11-02T00:00:00Z'), null);
    await records().noticeClaims.put(ack('ack:s2', 'base@example.cn', '2023-11-04T00:00:00Z'), null);
    await records().noticeClaims.put(ack('ack:s3', 'other@example.cn', '2023-11-04T00:00:00Z'), null);

    // Act
    const digests = await records().noticeClaims.listDigests('datong');
    const acks = await records().noticeClaims.listAcknowledgementsTo('BASE@example.cn');

    // Assess
    expect(digests.map((c) => c.key)).toEqual(['digest:datong:2', 'digest:datong:1']);
    expect(acks.map((c) => c.key)).toEqual(['ack:s2', 'ack:s1']);
    expect(await records().noticeClaims.listDigests('linfen')).toEqual([]);
    expect(await records().noticeClaims.listAcknowledgementsTo('nobody@example.cn')).toEqual([]);
  });

  it('lists unsettled claims (claimed, sending, failed) oldest update first, and drops them once settled', async () => {
    // Prepare
    await records().noticeClaims.put(claim('c-claimed', { updatedAt: '2023-11-03T00:00:00Z' }), null);
    await records().noticeClaims.put(claim('c-sending', { state: 'sending', updatedAt: '2023-11-01T00:00:00Z' }), null);
    await records().noticeClaims.put(
      ack('ack:f', 'a@x.cn', 't', { state: 'failed', updatedAt: '2023-11-02T00:00:00Z' }),
      null,
    );
    await records().noticeClaims.put(claim('c-sent', { state: 'sent' }), null);
    await records().noticeClaims.put(claim('c-superseded', { state: 'superseded' }), null);
    await records().noticeClaims.put(ack('ack:skipped', 'a@x.cn', 't', { state: 'skipped' }), null);
    const before = await records().noticeClaims.listUnsettled();

    // Act
    await records().noticeClaims.put(claim('c-claimed', { state: 'sent', version: 2 }), 1);

    // Assess
    expect(before.map((c) => c.key)).toEqual(['c-sending', 'ack:f', 'c-claimed']);
    expect((await records().noticeClaims.listUnsettled()).map((c) => c.key)).toEqual(['c-sending', 'ack:f']);
  });
});

describeOnEachStore('addresses', (records) => {
  const failing: AddressStatus = {
    address: 'Bureau@Datong.gov.cn',
    state: 'failing',
    lastType: 'bounce',
    reports: 1,
    firstReportedAt: '2023-11-01T00:00:00Z',
    lastReportedAt: '2023-11-01T00:00:00Z',
    detail: '550 no such user',
    clearedBy: null,
    clearedAt: null,
  };

  it('keeps an address lower-case and finds it in any case', async () => {
    // Act
    await records().addresses.save(failing);

    // Assess
    expect(await records().addresses.get('BUREAU@datong.gov.cn')).toEqual({
      ...failing,
      address: 'bureau@datong.gov.cn',
    });
    expect(await records().addresses.get('other@datong.gov.cn')).toBeNull();
  });

  it('lists failing addresses by address until staff clear them', async () => {
    // Prepare
    await records().addresses.save(failing);
    await records().addresses.save({ ...failing, address: 'a@taiyuan.gov.cn', lastType: 'complaint' });
    await records().addresses.save({ ...failing, address: 'ok@linfen.gov.cn', state: 'ok' });
    const before = await records().addresses.listFailing();

    // Act
    await records().addresses.save({ ...failing, state: 'ok', clearedBy: 'admin', clearedAt: 't' });

    // Assess
    expect(before.map((s) => s.address)).toEqual(['a@taiyuan.gov.cn', 'bureau@datong.gov.cn']);
    expect((await records().addresses.listFailing()).map((s) => s.address)).toEqual(['a@taiyuan.gov.cn']);
    expect((await records().addresses.get('bureau@datong.gov.cn'))?.clearedBy).toBe('admin');
  });
});
