/**
 * `intake --help` and every command's help are Chinese: the descriptions of commands, arguments and options, and
 * commander's own words (用法, 选项, 命令, 默认, 显示帮助); option names stay as they are typed.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../cli/main.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../../bin/intake.mjs');
const CHINESE = /[\u4e00-\u9fff]/;
/** Two English words in a row: a sentence left untranslated (a lone name such as JSON or SHA-256 is fine). */
const ENGLISH = /\b[A-Za-z]{3,} [a-z]{3,}\b/;

function commandsOf(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...commandsOf(c)]);
}

/** Help text without its usage line and option names (those are what one types). */
function prose(help: string): string[] {
  return (
    help
      .split('\n')
      .filter((line) => !line.startsWith('用法：'))
      .map((line) => line.replace(/^\s+(-\w, )?(--?[\w-]+)?( <[^>]+>| \[[^\]]+\])*\s{2,}/, ''))
      // A command named in a description (「见 intake status --json」) is what one types, too.
      .map((line) => line.replace(/intake [a-z-]+( --[a-z-]+)*/g, ''))
      .filter(Boolean)
  );
}

describe('CLI help in Chinese', () => {
  it('describes every command, argument and option in Chinese', async () => {
    // Arrange
    const program = await buildProgram();
    const commands = commandsOf(program).filter((c) => c.name() !== 'help');

    // Act
    const untranslated = commands.flatMap((c) => {
      const path = `${c.parent?.name() === 'intake' ? '' : `${c.parent?.name()} `}${c.name()}`;
      return [
        ...(CHINESE.test(c.description()) ? [] : [`${path}: ${c.description()}`]),
        ...c.registeredArguments
          .filter((a) => !CHINESE.test(a.description))
          .map((a) => `${path} <${a.name()}>: ${a.description}`),
        ...c.options.filter((o) => !CHINESE.test(o.description)).map((o) => `${path} ${o.flags}: ${o.description}`),
      ];
    });

    // Assess
    expect(commands.length).toBeGreaterThanOrEqual(35);
    expect(untranslated).toEqual([]);
  });

  it('prints each command’s help with Chinese headings and no English sentence', async () => {
    // Arrange
    const program = await buildProgram();

    // Act
    const english = [program, ...commandsOf(program)]
      .filter((c) => c.name() !== 'help')
      .flatMap((c) =>
        prose(c.helpInformation())
          .filter((line) => ENGLISH.test(line))
          .map((l) => `${c.name()}: ${l}`),
      );
    const paper = program.commands.find((c) => c.name() === 'paper')!.helpInformation();

    // Assess
    expect(english).toEqual([]);
    expect(paper).toMatch(/^用法： intake paper \[选项\] <base>/);
    expect(paper).toContain('选项：');
    expect(paper).toContain('参数：');
    expect(paper).toMatch(/--copies <n>\s+收到份数（不小于0的整数）（默认：2）/);
    expect(paper).toMatch(/--actor <name>\s+操作人（默认取 \$INTAKE_ACTOR 或 \$USER）\n/);
    expect(paper).toMatch(/-h, --help\s+显示帮助/);
  });

  it('answers intake --help in Chinese from the command line', async () => {
    // Act
    const { stdout } = await run(process.execPath, [CLI, '--help']);

    // Assess
    expect(stdout).toMatch(/^用法： intake \[选项\] \[命令\]/);
    expect(stdout).toContain('命令：');
    expect(stdout).toMatch(/export \[选项\]\s+导出材料报送情况汇总表/);
    expect(stdout).toMatch(/help \[command\]\s+显示某个命令的帮助/);
    expect(prose(stdout).filter((line) => ENGLISH.test(line))).toEqual([]);
  }, 30_000);
});
