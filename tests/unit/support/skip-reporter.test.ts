/**
 * The skip reporter (tests/support/skip-reporter.ts) on a real vitest run (its own process) of a small test file written to a temp
 * directory: a group that ran, one skipped for a missing need (as `describeNeeding` marks it), one skipped without
 * a word. The run must end with a line per skipped group, and fail under INTAKE_REQUIRE_ALL_TESTS=1.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIRE_ALL_TESTS_VARIABLE, skipSummary } from '../../support/skip-reporter.ts';

const REPORTER = fileURLToPath(new URL('../../support/skip-reporter.ts', import.meta.url));
const VITEST_CLI = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

const SAMPLE = `
import { describe, expect, it } from 'vitest';
describe('runs here', () => {
  it('passes', () => expect(1 + 1).toBe(2));
});
describe.skip('mailbox against Dovecot', { meta: { needs: 'dovecot', missing: 'no dovecot binary on PATH or in /usr/sbin' } }, () => {
  it('fetches', () => {});
  it('moves', () => {});
});
describe.skip('left out by hand', () => {
  it('one', () => {});
});
`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skip-reporter-'));
  await writeFile(join(dir, 'sample.test.ts'), SAMPLE);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs vitest on the sample in a process of its own (as `npm test` runs it) with the reporter alone; returns what it
 * printed and its exit code. In-process (startVitest inside this test's worker) a loaded CI run once printed nothing
 * at all: the nested run shares this process's exit code, environment and cancel handling, so it is kept apart.
 */
async function runSample(strict: boolean): Promise<{ lines: string[]; exitCode: number | null; stderr: string }> {
  const env = { ...process.env };
  delete env[REQUIRE_ALL_TESTS_VARIABLE];
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  if (strict) env[REQUIRE_ALL_TESTS_VARIABLE] = '1';
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
    (resolvePromise, reject) => {
      execFile(
        process.execPath,
        [VITEST_CLI, 'run', '--root', dir, `--reporter=${REPORTER}`],
        { env, timeout: 50_000, maxBuffer: 4 * 1024 * 1024 },
        (error, out, err) => {
          if (error && typeof error.code !== 'number')
            reject(new Error(`vitest did not finish: ${error.message}\n${err}`));
          else resolvePromise({ stdout: out, stderr: err, code: error ? Number(error.code) : 0 });
        },
      );
    },
  );
  return { lines: stdout.trim().split('\n'), exitCode: code, stderr };
}

describe('skip reporter', () => {
  it('ends the run with each skipped group, why, and the command that enables it', async () => {
    // Act
    const { lines, exitCode, stderr } = await runSample(false);

    // Assess
    expect(lines.slice(-3), stderr).toEqual([
      'Skipped: 2 groups (3 tests) did not run here:',
      '  SKIPPED mailbox against Dovecot (sample.test.ts, 2 tests): needs Dovecot, the IMAP server the mailbox tests ' +
        'start on loopback: no dovecot binary on PATH or in /usr/sbin. Enable: apt-get install dovecot-imapd',
      '  SKIPPED left out by hand (sample.test.ts, 1 test): skipped, no reason given (declare what it needs with ' +
        'describeNeeding)',
    ]);
    expect(exitCode, stderr).toBe(0);
  });

  it('fails the run under INTAKE_REQUIRE_ALL_TESTS=1', async () => {
    // Act
    const { lines, exitCode, stderr } = await runSample(true);

    // Assess
    expect(lines.at(-1), stderr).toBe('INTAKE_REQUIRE_ALL_TESTS=1: nothing may be skipped, so this run fails.');
    expect(exitCode).toBe(1);
  });

  it('says so when nothing was skipped, and then never fails the run', () => {
    expect(skipSummary([], true)).toEqual({ text: ['Skipped: nothing, every test group ran.'], fail: false });
  });
});
