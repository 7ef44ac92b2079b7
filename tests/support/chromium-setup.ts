/**
 * Global setup (vitest.config.ts): finds the chromium the browser tests drive, once per run, before any test file
 * is loaded, and hands it to them (`inject('chromium')`, see requirements.ts):
 *   1. Debian's /usr/bin/chromium where installed (.ci/run installs it);
 *   2. else the Chromium the @sparticuz/chromium dev dependency ships (Linux x64 only): its brotli-packed binary
 *      and the NSS/expat libraries it links (the package's al2023.tar.br, which the package itself unpacks only on
 *      Amazon Linux), unpacked into the temp dir once per machine and package version (~3 s, 210 MB) and put on
 *      LD_LIBRARY_PATH.
 * Either one draws with Noto Sans SC alone (from @fontsource/noto-sans-sc, through a fontconfig file of its own),
 * so the pages and screenshots look the same everywhere and no system font is read. What is unpacked is built
 * aside and renamed into place: a run killed halfway, or two at once, never leave it half-written. The binary must
 * start (`--version`), else the browser tests are skipped and the run says why.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';
import type { TestProject } from 'vitest/node';
import { woffToSfnt } from '../fixtures/cjk-font.ts';
import type { ChromiumFound } from './requirements.ts';

/** Debian's chromium (apt-get install chromium). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const NPM_CHROMIUM = '@sparticuz/chromium';
const require = createRequire(import.meta.url);
/** Noto Sans SC (OFL-1.1), the simplified-Chinese WOFF the scan fixture draws with too. */
const NOTO_SANS_SC_WOFF = '@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff';

export default async function setup(project: TestProject): Promise<void> {
  project.provide('chromium', await findChromium());
}

/** Debian's chromium, else the npm one, else what is missing. */
export async function findChromium(): Promise<ChromiumFound> {
  const fonts = await fontsEnv();
  let debian = `no ${DEBIAN_CHROMIUM}`;
  if (executable(DEBIAN_CHROMIUM)) {
    const started = startsAs(DEBIAN_CHROMIUM, fonts);
    if ('version' in started) return { source: 'debian', executablePath: DEBIAN_CHROMIUM, env: fonts, ...started };
    debian = `${DEBIAN_CHROMIUM} does not start (${started.error})`;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return {
      missing: `${debian}, and ${NPM_CHROMIUM} ships a Linux x64 build only (this is ${process.platform} ${process.arch})`,
    };
  }
  try {
    const unpacked = await unpackNpmChromium();
    const executablePath = unpacked.executablePath;
    const env = { ...unpacked.env, ...fonts };
    const started = startsAs(executablePath, env);
    if ('version' in started) return { source: 'npm', executablePath, env, ...started };
    return { missing: `${debian}, and the ${NPM_CHROMIUM} build does not start (${started.error})` };
  } catch (error) {
    return { missing: `${debian}, and ${NPM_CHROMIUM} could not be unpacked (${(error as Error).message})` };
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `binary --version`: the version it prints, or why it failed. */
function startsAs(binary: string, env: Record<string, string>): { version: string } | { error: string } {
  const run = spawnSync(binary, ['--version'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  const version = /Chromium [\d.]+/.exec(run.stdout ?? '')?.[0];
  if (run.status === 0 && version) return { version };
  const said = `${run.stderr ?? ''}${run.stdout ?? ''}`.trim().split('\n').at(-1);
  return { error: run.error?.message ?? (said || `exit ${run.status ?? run.signal}`) };
}

/** Unpacks the npm Chromium (once per package version) and returns the binary and the libraries it links. */
export async function unpackNpmChromium(): Promise<{ executablePath: string; env: Record<string, string> }> {
  const packageDir = join(dirname(require.resolve(NPM_CHROMIUM)), '..');
  const bin = join(packageDir, 'bin');
  const dir = await buildOnce(`intake-npm-chromium-${packageVersion(packageDir)}`, async (into) => {
    await pipeline(
      createReadStream(join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(join(into, 'chromium')),
    );
    await chmod(join(into, 'chromium'), 0o755);
    await untar(brotliDecompressSync(readFileSync(join(bin, 'al2023.tar.br'))), into);
  });
  return { executablePath: join(dir, 'chromium'), env: { LD_LIBRARY_PATH: join(dir, 'lib') } };
}

/**
 * A fontconfig configuration with Noto Sans SC alone (unpacked from the @fontsource WOFF), for either chromium:
 * the pages look the same on every machine and no system font is read.
 */
export async function fontsEnv(): Promise<Record<string, string>> {
  const woff = require.resolve(NOTO_SANS_SC_WOFF);
  const packageDir = join(dirname(woff), '..');
  const name = `intake-chromium-fonts-${packageVersion(packageDir)}`;
  const dir = await buildOnce(name, async (into) => {
    await writeFile(join(into, 'NotoSansSC-Regular.ttf'), woffToSfnt(readFileSync(woff)));
    await writeFile(
      join(into, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <dir>${join(tmpdir(), name)}</dir>\n  <cachedir>${join(tmpdir(), name, 'cache')}</cachedir>\n</fontconfig>\n`,
    );
  });
  return { FONTCONFIG_FILE: join(dir, 'fonts.conf') };
}

function packageVersion(packageDir: string): string {
  return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Builds `name` under the temp dir once per machine: aside under a name of its own, then renamed into place with
 * a `complete` mark, so a run killed halfway or two runs at once never leave it half-written.
 */
async function buildOnce(name: string, build: (into: string) => Promise<void>): Promise<string> {
  const dir = join(tmpdir(), name);
  if (existsSync(join(dir, 'complete'))) return dir;
  const partial = `${dir}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    await build(partial);
    await writeFile(join(partial, 'complete'), '');
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    // Another run may have put it in place meanwhile.
    if (existsSync(join(dir, 'complete'))) return dir;
    throw error;
  }
  return dir;
}

/** Extracts a ustar archive's directories, files and symlinks under `into` (what al2023.tar.br holds). */
async function untar(tar: Buffer, into: string): Promise<void> {
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const name = field(0, 100);
    if (name === '') break;
    const prefix = field(345, 155);
    const path = prefix ? `${prefix}/${name}` : name;
    if (path.split('/').includes('..') || path.startsWith('/')) throw new Error(`unsafe path in archive: ${path}`);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const target = join(into, path);
    if (type === '5') await mkdir(target, { recursive: true });
    else if (type === '0' || type === '7') {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, tar.subarray(at + 512, at + 512 + size), { mode: Number.parseInt(field(100, 8), 8) });
    } else if (type === '2') {
      await mkdir(dirname(target), { recursive: true });
      await symlink(field(157, 100), target);
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
}
