#!/usr/bin/env node
// The staff CLI entry point. It runs the compiled CLI (dist/cli, built by `npm install` through scripts/build-cli.mjs)
// when that build is newer than every source it was made from, and the TypeScript sources through tsx otherwise, so an
// edited checkout never runs stale code. INTAKE_CLI_FROM=sources|build forces one.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// Commands that read a whole round (status, export) keep V8's heap near what they hold: by default V8 lets it grow to
// ~2.5x the live data between full collections (a 2,000-base round's status went to 290 MB of heap for ~110 MB live).
// Each full collection then leaves room for 1.3x, set here at run time (a flag on the command line would need a
// second process); more frequent collections, no slower overall in the scale bench. INTAKE_HEAP_GROWING_PERCENT=0
// leaves V8's default.
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const growing = process.env.INTAKE_HEAP_GROWING_PERCENT ?? (command === 'status' || command === 'export' ? '30' : '0');
if (Number(growing) > 0) setFlagsFromString(`--heap-growing-percent=${Number(growing)}`);
// The SDK's notice that it will need Node 22 from 2027 would print on every command; the README says it once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `intake status | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'built.json');

/** The newest modification time of the sources the build is made from (cli/, shared/, package.json). */
function newestSource() {
  let newest = statSync(join(root, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (/\.(?:ts|js|json|mjs)$/.test(entry.name))
        newest = Math.max(newest, statSync(join(dir, entry.name)).mtimeMs);
    }
  };
  walk(join(root, 'cli'));
  walk(join(root, 'shared'));
  return newest;
}

const from = process.env.INTAKE_CLI_FROM;
const useBuild =
  from === 'build' || (from !== 'sources' && existsSync(built) && statSync(built).mtimeMs > newestSource());
let main;
if (useBuild) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
await main(process.argv);
