/**
 * Issue 15, item 15: every CLI error is one line on stderr, in Chinese (with a short English hint), exit code 2 for
 * bad input and 1 for a failure, never a stack trace (unless INTAKE_DEBUG=1); cities are taken by id or by name.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeError, EXIT_FAILURE, EXIT_INPUT } from '../../cli/errors.ts';
import { IntakeError } from '../../shared/domain/errors.ts';
import { BlobNotFoundError } from '../../shared/ports/index.ts';
import { UnknownBaseError } from '../../shared/use-cases/evaluate.ts';

const CLI = join(import.meta.dirname, '../../bin/intake.mjs');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI and returns its exit code and output, whatever the code. */
function intake(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, INTAKE_DEBUG: '', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

describe('intake CLI errors', () => {
  let dir: string;
  let dataDir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'intake-cli-errors-'));
    dataDir = join(dir, 'data');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const badInput: [string, string[], string][] = [
    ['waive an unknown base', ['waive', 'p99', 'report.encrypted', '--reason', '核实'], '没有编号为“p99”的基地'],
    ['paper copies of an unknown base', ['paper', 'nosuch', '--reason', '核实'], '没有编号为“nosuch”的基地'],
    [
      'a negative number of copies',
      ['paper', 'p08', '--copies', '-5', '--reason', '核实'],
      '选项 --copies 的值“-5”无效',
    ],
    ['a letter of an unknown city', ['city-letter', 'nowhere', '--reason', '公函'], '没有地市“nowhere”'],
    [
      'assigning an unknown submission',
      ['assign', 's-nonexist', 'p01', '--reason', '核实'],
      '没有编号为“s-nonexist”的报送',
    ],
    ['the status of an unknown city', ['status', '--city', 'nowhere'], '没有地市“nowhere”'],
    ['an unknown command', ['nosuch'], '没有命令“nosuch”'],
    ['a missing --reason', ['waive', 'p01', 'report.encrypted'], '缺少必填选项 --reason'],
    ['a day that does not exist', ['paper', 'p08', '--received-on', '2023-13-45', '--reason', '核实'], '日期格式应为'],
  ];

  it.each(badInput)('refuses %s with one Chinese line naming it and exit code 2', async (_what, args, names) => {
    // Act
    const outcome = await intake([...args, '--data-dir', dataDir]);

    // Assess
    expect(outcome.code).toBe(EXIT_INPUT);
    const lines = outcome.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^错误：/);
    expect(lines[0]).toContain(names);
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
    expect(outcome.stdout).toBe('');
  });

  it('takes a city by id or by name (太原, 太原市) and gives the same bases', async () => {
    // Act
    const byId = await intake(['status', '--city', 'taiyuan', '--json', '--data-dir', dataDir]);
    const byShortName = await intake(['status', '--city', '太原', '--json', '--data-dir', dataDir]);
    const byName = await intake(['status', '--city', '太原市', '--json', '--data-dir', dataDir]);
    const letter = await intake([
      'city-letter',
      '太原',
      '--not-received',
      '--reason',
      '公函',
      '--json',
      '--data-dir',
      dataDir,
    ]);

    // Assess
    expect([byId.code, byShortName.code, byName.code, letter.code]).toEqual([0, 0, 0, 0]);
    const bases = (o: Outcome) => (JSON.parse(o.stdout) as { bases: { name: string; city: string }[] }).bases;
    const names = (o: Outcome) => bases(o).map((b) => b.name);
    expect(names(byId).length).toBeGreaterThan(0);
    expect(bases(byId).every((b) => b.city === 'taiyuan')).toBe(true);
    expect(names(byShortName)).toEqual(names(byId));
    expect(names(byName)).toEqual(names(byId));
    expect(JSON.parse(letter.stdout)).toMatchObject({ city: 'taiyuan' });
  });

  it('prints the stack trace only with INTAKE_DEBUG=1', async () => {
    // Act
    const outcome = await intake(['paper', 'nosuch', '--reason', '核实', '--data-dir', dataDir], { INTAKE_DEBUG: '1' });

    // Assess
    expect(outcome.code).toBe(EXIT_INPUT);
    expect(outcome.stderr.split('\n')[0]).toMatch(/^错误：没有编号为“nosuch”的基地/);
    expect(outcome.stderr).toMatch(/UnknownBaseError[^\n]*\n\s+at /);
  });
});

describe('describeError (the one place that maps errors to exit codes)', () => {
  it('maps input errors to 2 and failures to 1, each with one Chinese line', () => {
    // Act
    const unknownBase = describeError(new UnknownBaseError('p99'));
    const missing = describeError(new BlobNotFoundError('raw/x.eml'));
    const zod = describeError(z.enum(['taiyuan']).safeParse('x').error);
    const unexpected = describeError(new TypeError('x is not a function\n  at somewhere'));
    const custom = describeError(new IntakeError('some.thing', 'failure', 'english', '中文说明'));

    // Assess
    expect(unknownBase.exitCode).toBe(EXIT_INPUT);
    expect(missing.exitCode).toBe(EXIT_FAILURE);
    expect(missing.line).toContain('存储中缺少文件 raw/x.eml');
    expect(zod.exitCode).toBe(EXIT_INPUT);
    expect(unexpected).toEqual({
      exitCode: EXIT_FAILURE,
      line: '错误：执行失败：x is not a function (TypeError; set INTAKE_DEBUG=1 for the stack trace)',
    });
    expect(custom).toEqual({ exitCode: EXIT_FAILURE, line: '错误：中文说明 (english)' });
    for (const report of [unknownBase, missing, zod, unexpected]) {
      expect(report.line).toMatch(/^错误：/);
      expect(report.line).not.toContain('\n');
    }
  });
});
