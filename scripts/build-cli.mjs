#!/usr/bin/env node
/**
 * Compiles the CLI once (npm's `prepare`, run by `npm install` and `npm ci`) so that `intake` starts without
 * transpiling TypeScript on every command: esbuild bundles cli/main.ts and what it imports from shared/ into
 * dist/cli/ with the parser worker and the round folders (rounds/) beside it (ES modules, split at each dynamic import so a command loads only what it needs; npm packages stay
 * external, read from node_modules as before). bin/intake.mjs runs the build when it is newer than every source,
 * and the sources through tsx otherwise — an edited checkout never runs stale code.
 *
 *   node scripts/build-cli.mjs [--out DIR]
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--out');
const outdir = at > 0 ? resolve(process.argv[at + 1] ?? '') : join(root, 'dist', 'cli');

/** Builds the CLI into `outdir`; false (and a line on stderr) when esbuild is not installed. */
export async function buildCli(out = outdir) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.error('build-cli: esbuild is not installed (npm install --omit=dev?): intake runs from the sources.');
    return false;
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    // The parser worker (shared/parsing/sandbox) is its own entry: the pool starts dist/cli/parse-worker.js.
    entryPoints: { main: 'cli/main.ts', 'parse-worker': 'shared/parsing/sandbox/worker.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    charset: 'utf8',
    sourcemap: 'linked',
    logLevel: 'warning',
    chunkNames: 'chunks/[name]-[hash]',
  });
  // The round folders beside the build, where the domain finds them (as beside a Lambda bundle): bin/intake.mjs runs
  // the sources once a round's JSON is newer than the build, so the copy is never stale in use.
  cpSync(join(root, 'shared', 'domain', 'rounds'), join(out, 'rounds'), {
    recursive: true,
    filter: (source) => !/\.[cm]?[jt]s$/.test(source),
  });
  // The build is complete only once this is written: bin/intake.mjs looks for it.
  writeFileSync(join(out, 'built.json'), `${JSON.stringify({ builtAt: new Date().toISOString() })}\n`);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const built = await buildCli();
  if (built) console.log(`build-cli: ${outdir} in ${Date.now() - started} ms`);
  if (!built && existsSync(outdir)) rmSync(outdir, { recursive: true, force: true });
}
