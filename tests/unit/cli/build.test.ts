/**
 * The compiled CLI (scripts/build-cli.mjs, run by `npm install`) works like the sources: built into a temporary
 * folder, it answers `classify --explain` from the round folders copied beside it, without tsx.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('compiled CLI', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('builds into a folder and answers a command from it under plain node', async () => {
    // Prepare
    const out = await mkdtemp(join(tmpdir(), 'intake-cli-build-'));
    dirs.push(out);
    const { buildCli } = await import(pathToFileURL(join(import.meta.dirname, '../../../scripts/build-cli.mjs')).href);

    // Act
    const built = await buildCli(out);
    // npm packages stay external: the build finds them as it would inside the checkout.
    await symlink(join(import.meta.dirname, '../../../node_modules'), join(out, 'node_modules'), 'dir');
    const script = `const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'main.js')).href)}); await main(['node', 'intake', 'classify', '--explain', '17.xlsx']);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '../../..'),
    });

    // Assess
    expect(built).toBe(true);
    expect(existsSync(join(out, 'built.json'))).toBe(true);
    expect(JSON.parse(stdout)).toMatchObject([{ name: '17.xlsx', indicators: ['livestreams'], decision: 'decided' }]);
  }, 60_000);
});
