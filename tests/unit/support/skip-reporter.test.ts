/**
 * The skip reporter (tests/support/skip-reporter.ts) on a real vitest run of a small test file written to a temp
 * directory: a group that ran, one skipped for a missing need (as `describeNeeding` marks it), one skipped without
 * a word. The run must end with a line per skipped group, and fail under INTAKE_REQUIRE_ALL_TESTS=1.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVitest } from 'vitest/node';
import SkipReporter, { REQUIRE_ALL_TESTS_VARIABLE, skipSummary } from '../../support/skip-reporter.ts';

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

/** Runs vitest on the sample with the reporter alone; returns what it printed and the exit code it left. */
async function runSample(strict: boolean): Promise<{ lines: string[]; exitCode: typeof process.exitCode }> {
  let printed = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      printed += String(chunk);
      done();
    },
  });
  const savedExitCode = process.exitCode;
  const savedStrict = process.env[REQUIRE_ALL_TESTS_VARIABLE];
  if (strict) process.env[REQUIRE_ALL_TESTS_VARIABLE] = '1';
  else delete process.env[REQUIRE_ALL_TESTS_VARIABLE];
  process.exitCode = undefined;
  try {
    const vitest = await startVitest(
      'test',
      [],
      { root: dir, config: false, watch: false, include: ['*.test.ts'], reporters: [new SkipReporter()] },
      {},
      { stdout: sink, stderr: sink },
    );
    await vitest.close();
    return { lines: printed.trim().split('\n'), exitCode: process.exitCode };
  } finally {
    process.exitCode = savedExitCode;
    if (savedStrict === undefined) delete process.env[REQUIRE_ALL_TESTS_VARIABLE];
    else process.env[REQUIRE_ALL_TESTS_VARIABLE] = savedStrict;
  }
}

describe('skip reporter', () => {
  it('ends the run with each skipped group, why, and the command that enables it', async () => {
    // Act
    const { lines, exitCode } = await runSample(false);

    // Assess
    expect(lines.slice(-3)).toEqual([
      'Skipped: 2 groups (3 tests) did not run here:',
      '  SKIPPED mailbox against Dovecot (sample.test.ts, 2 tests): needs Dovecot, the IMAP server the mailbox tests ' +
        'start on loopback: no dovecot binary on PATH or in /usr/sbin. Enable: apt-get install dovecot-imapd',
      '  SKIPPED left out by hand (sample.test.ts, 1 test): skipped, no reason given (declare what it needs with ' +
        'describeNeeding)',
    ]);
    expect(exitCode).toBeFalsy();
  });

  it('fails the run under INTAKE_REQUIRE_ALL_TESTS=1', async () => {
    // Act
    const { lines, exitCode } = await runSample(true);

    // Assess
    expect(lines.at(-1)).toBe('INTAKE_REQUIRE_ALL_TESTS=1: nothing may be skipped, so this run fails.');
    expect(exitCode).toBe(1);
  });

  it('says so when nothing was skipped, and then never fails the run', () => {
    expect(skipSummary([], true)).toEqual({ text: ['Skipped: nothing, every test group ran.'], fail: false });
  });
});
