#!/usr/bin/env node
// The staff CLI entry point. It runs the compiled CLI (dist/cli, built by `npm install` through scripts/build-cli.mjs)
// when that build is newer than every source it was made from, and the TypeScript sources through tsx otherwise, so an
// edited checkout never runs stale code. INTAKE_CLI_FROM=sources|build forces one.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
