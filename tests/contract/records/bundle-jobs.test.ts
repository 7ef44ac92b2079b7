/**
 * The package-jobs port on both stores: a job written once (a second writer expecting none hears false), replaced
 * only at the version read with one of concurrent writers winning, read back whole, undefined properties dropped.
 */
import { expect, it } from 'vitest';
import type { BundleJob } from '../../../shared/ports/index.ts';
import { describeOnEachStore } from './stores.ts';

function job(over: Partial<BundleJob> = {}): BundleJob {
  return {
    id: 'a'.repeat(32),
    roundId: '2023',
    scope: { city: 'taiyuan' },
    city: 'taiyuan',
    fileName: '太原市 基地材料.zip',
    fingerprint: 'f'.repeat(64),
    plannedBytes: 5_000_000,
    state: 'queued',
    version: 1,
    requestedBy: 'admin',
    createdAt: '2023-11-08T06:00:00.000Z',
    updatedAt: '2023-11-08T06:00:00.000Z',
    leaseUntil: null,
    blobKey: `bundles/files/${'a'.repeat(32)}.zip`,
    bytes: null,
    entries: null,
    missing: null,
    error: null,
    readyAt: null,
    expiresAt: null,
    ...over,
  };
}

describeOnEachStore('package jobs', (records) => {
  it('writes a new job once: a second writer expecting none hears false, and the first one stays', async () => {
    // Act
    const first = await records().bundleJobs.put(job(), null);
    const second = await records().bundleJobs.put(job({ requestedBy: 'other' }), null);

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await records().bundleJobs.get('a'.repeat(32))).toEqual(job());
    expect(await records().bundleJobs.get('b'.repeat(32))).toBeNull();
  });

  it('moves a job on only at the version read: of two builders claiming it, one wins', async () => {
    // Prepare
    await records().bundleJobs.put(job(), null);
    const claim = (by: string) =>
      records().bundleJobs.put(
        job({ state: 'building', version: 2, leaseUntil: '2023-11-08T06:16:00.000Z', requestedBy: by }),
        1,
      );

    // Act
    const racers = await Promise.all([claim('builder-1'), claim('builder-2')]);
    const stale = await records().bundleJobs.put(job({ state: 'failed', version: 2, error: '出错' }), 1);
    const ready = await records().bundleJobs.put(
      job({
        state: 'ready',
        version: 3,
        bytes: 4_900_000,
        entries: 12,
        missing: 0,
        readyAt: '2023-11-08T06:02:00.000Z',
      }),
      2,
    );

    // Assess
    expect(racers.filter(Boolean)).toHaveLength(1);
    expect(stale).toBe(false);
    expect(ready).toBe(true);
    const stored = await records().bundleJobs.get('a'.repeat(32));
    expect(stored).toMatchObject({
      state: 'ready',
      version: 3,
      bytes: 4_900_000,
      entries: 12,
      scope: { city: 'taiyuan' },
    });
  });

  it('keeps a whole-round job (no city) and drops an undefined property as DynamoDB does', async () => {
    // Prepare
    const round = job({ id: 'c'.repeat(32), scope: { all: true }, city: null, error: undefined as unknown as null });

    // Act
    await records().bundleJobs.put(round, null);
    const stored = await records().bundleJobs.get('c'.repeat(32));

    // Assess
    expect(stored?.scope).toEqual({ all: true });
    expect(stored?.city).toBeNull();
    expect(Object.keys(stored ?? {})).not.toContain('error');
  });
});
