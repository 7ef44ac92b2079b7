import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalContext } from '../../shared/composition/local.ts';
import { queryStatus } from '../../shared/use-cases/query.ts';

describe('the local context starts the object store and the mail stand-in on first use', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'intake-local-context-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('status reads records only: no object store is started; the first file write starts it', async () => {
    // Prepare
    const local = await createLocalContext({ dataDir });
    try {
      // Act
      const status = await queryStatus(local.ctx);
      const startedForStatus = existsSync(join(dataDir, 's3'));
      await local.ctx.blobs.put('notes/a.txt', Buffer.from('甲'));
      const [readBack, again] = await Promise.all([
        local.ctx.blobs.get('notes/a.txt'),
        local.ctx.blobs.exists('notes/a.txt'),
      ]);
      const endpoints = await local.endpoints();

      // Assess
      expect(status.bases.length).toBeGreaterThan(0);
      expect(startedForStatus).toBe(false);
      expect(readBack.toString()).toBe('甲');
      expect(again).toBe(true);
      expect(existsSync(join(dataDir, 's3', 'intake'))).toBe(true);
      expect(new URL(endpoints.s3).hostname).toBe('127.0.0.1');
    } finally {
      await local.close();
    }
  });

  it('intake start (own) starts all three at once', async () => {
    // Prepare / Act
    const local = await createLocalContext({ dataDir, own: true });
    try {
      // Assess
      expect(existsSync(join(dataDir, 's3', 'intake'))).toBe(true);
      const endpoints = await local.endpoints();
      expect(endpoints.ses).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await local.close();
    }
  });
});
