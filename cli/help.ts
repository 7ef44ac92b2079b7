/**
 * `intake --help` in Chinese: commander's own words (Usage, Options, Commands, default, the help option and the
 * help command) put as a clerk reads them; the commands' and options' descriptions are written in Chinese where
 * they are declared. Option names stay as they are typed (`--reason`, `--as-of`).
 */
import type { Argument, Command, Help, Option } from 'commander';

const TITLES: Record<string, string> = {
  'Usage:': '用法：',
  'Arguments:': '参数：',
  'Options:': '选项：',
  'Commands:': '命令：',
  'Global Options:': '通用选项：',
};

/** A description with its notes in brackets; a default the description already states is not repeated. */
function extra(description: string, notes: string[]): string {
  const kept = description.includes('默认') ? notes.filter((n) => !n.startsWith('默认')) : notes;
  return kept.length ? `${description}（${kept.join('，')}）` : description;
}

function shown(value: unknown, described: string | undefined): string {
  return described ?? (typeof value === 'string' ? value : JSON.stringify(value));
}

/** Sets the Chinese help texts on the program; subcommands made after this inherit them. */
export function useChineseHelp(program: Command): Command {
  return program
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [command]', '显示某个命令的帮助')
    .configureHelp({
      styleTitle: (title: string) => TITLES[title] ?? title,
      styleUsage: (usage: string) =>
        usage.replace('[options]', '[选项]').replace('[command]', '[命令]').replace('<command>', '<命令>'),
      styleSubcommandTerm: (term: string) => term.replace('[options]', '[选项]'),
      optionDescription(option: Option): string {
        const notes: string[] = [];
        if (option.argChoices) notes.push(`可选：${option.argChoices.join('、')}`);
        const showDefault =
          option.defaultValue !== undefined &&
          (option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean'));
        if (showDefault) notes.push(`默认：${shown(option.defaultValue, option.defaultValueDescription)}`);
        if (option.envVar !== undefined) notes.push(`环境变量：${option.envVar}`);
        return extra(option.description, notes);
      },
      argumentDescription(argument: Argument): string {
        const notes: string[] = [];
        if (argument.argChoices) notes.push(`可选：${argument.argChoices.join('、')}`);
        if (argument.defaultValue !== undefined)
          notes.push(`默认：${shown(argument.defaultValue, argument.defaultValueDescription)}`);
        return extra(argument.description, notes);
      },
    } satisfies Partial<Help>);
}
