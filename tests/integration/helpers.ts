/**
 * Shared set-up of integration tests: a local context on the embedded stand-ins in a fresh temporary data dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalContext, type LocalContext } from '../../shared/composition/local.ts';
import type { Clock } from '../../shared/ports/index.ts';

/** Starts the embedded stack in a temporary directory; `dispose` stops it and removes the directory. */
export async function startTestStack(clock?: Clock): Promise<LocalContext & { dispose(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'intake-test-'));
  const local = await createLocalContext({ dataDir, own: true, clock });
  return {
    ...local,
    async dispose() {
      await local.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
