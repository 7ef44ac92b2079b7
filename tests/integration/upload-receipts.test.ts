/**
 * Receipt numbers and the upload page's script (issue 16, item 5), on the real local stack (dynalite, s3rver):
 * concurrent completions each get their own short number (the record store's conditional counter, no
 * transactions), a repeated completion keeps its number; `/upload.js` serves the checked source file, and so does a
 * bundle esbuild makes with the API Lambda's options, with nothing copied beside it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, repoRoot } from '../../infra/bundling.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { receiptNumberFor, UPLOAD_RECEIPT_PREFIX } from '../../shared/use-cases/upload-receipts.ts';
import type { UploadCompletion } from '../../shared/use-cases/upload-sessions.ts';
import { startTestStack } from './helpers.ts';
import { TEST_NOW, TEST_SECRET } from './http-seed.ts';

const SCRIPT_SOURCE = join(repoRoot, 'shared/http/assets/upload.js');

function completion(n: number): UploadCompletion {
  return {
    submissionId: `s-${String(n).padStart(32, '0')}`,
    rawKey: `inbox/upload/u-${n}.eml`,
    receivedAt: TEST_NOW.toISOString(),
    completedAt: TEST_NOW.toISOString(),
    ingest: 'inline',
  };
}

describe('upload receipts and the upload script', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
  }, 60_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('gives concurrent completions distinct short numbers in sequence, and a repeated one the same', async () => {
    // Prepare
    const sessions = Array.from({ length: 24 }, (_, i) => `u-${(i + 1).toString(16).padStart(32, '0')}`);

    // Act
    const numbers = await Promise.all(sessions.map((id, i) => receiptNumberFor(stack.ctx, id, completion(i + 1))));
    const again = await receiptNumberFor(stack.ctx, sessions[5] ?? '', completion(6));
    const filed = JSON.parse((await stack.ctx.blobs.get(`${UPLOAD_RECEIPT_PREFIX}${numbers[5]}.json`)).toString());

    // Assess
    expect(new Set(numbers).size).toBe(24);
    expect([...numbers].sort()).toEqual(Array.from({ length: 24 }, (_, i) => `2023-${String(i + 1).padStart(4, '0')}`));
    expect(again).toBe(numbers[5]);
    expect(filed).toMatchObject({
      number: numbers[5],
      sessionId: sessions[5],
      submissionId: completion(6).submissionId,
    });
  }, 60_000);

  it('serves /upload.js from the checked source file', async () => {
    // Prepare
    const app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: [], uploadIngest: 'inline' });

    // Act
    const response = await app.request('/upload.js');

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/javascript');
    expect(await response.text()).toBe(await readFile(SCRIPT_SOURCE, 'utf8'));
  });

  it('inlines the script in a bundle built with the API function’s esbuild options', async () => {
    // Prepare
    const out = await mkdtemp(join(tmpdir(), 'upload-script-bundle-'));
    try {
      const result = await build({
        ...esbuildOptions('api'),
        absWorkingDir: repoRoot,
        entryPoints: [join(repoRoot, 'shared/http/upload-script.ts')],
        outfile: join(out, 'index.mjs'),
        logLevel: 'silent',
      });
      // The bundle must not fall back to reading the file: there is none beside it.
      await writeFile(join(out, 'package.json'), '{"type":"module"}');

      // Act
      const bundled = (await import(pathToFileURL(join(out, 'index.mjs')).href)) as {
        uploadScript(): Promise<string>;
      };
      const text = await bundled.uploadScript();

      // Assess
      expect(result.errors).toEqual([]);
      expect(text).toBe(await readFile(SCRIPT_SOURCE, 'utf8'));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});
