/**
 * A deployed function finds the round folders beside its bundle: built with a function's own esbuild options and
 * the copy commands its afterBundling hook runs (infra/bundling.ts), a bundle that loads the round reads it from
 * `rounds/` next to it, run from elsewhere; without the copy it fails, naming the variable that points to them.
 */
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, repoRoot, roundAssetCommands } from '../../../infra/bundling.ts';

let dir: string;

/** Bundles a one-line entry that loads the latest round into `out/index.mjs`. */
async function bundleInto(out: string): Promise<string> {
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { loadRound } from ${JSON.stringify(join(repoRoot, 'shared/domain/rounds/index.ts'))};\n` +
      'const round = loadRound();\nprocess.stdout.write(round.id + " " + round.bases.length);\n',
  );
  const outfile = join(out, 'index.mjs');
  await build({
    ...esbuildOptions('notify'),
    entryPoints: [entry],
    outfile,
    absWorkingDir: repoRoot,
    logLevel: 'error',
  });
  return outfile;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'round-bundle-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('round folders beside a bundle', () => {
  it('reads the rounds copied beside the bundle, from any working directory', async () => {
    // Prepare
    const out = join(dir, 'with-rounds');
    const bundle = await bundleInto(out);
    execSync(roundAssetCommands(repoRoot, out).join(' && '), { shell: '/bin/bash' });

    // Act
    const printed = execFileSync(process.execPath, [bundle], { cwd: tmpdir(), encoding: 'utf8', env: { PATH: '' } });

    // Assess
    expect(printed).toMatch(/^2023 \d+$/);
  });

  it('fails, naming INTAKE_ROUNDS_DIR, when no round folder is near', async () => {
    // Prepare
    const bundle = await bundleInto(join(dir, 'bare'));

    // Act
    const run = spawnSync(process.execPath, [bundle], { cwd: tmpdir(), encoding: 'utf8', env: { PATH: '' } });

    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('INTAKE_ROUNDS_DIR');
  });
});
