/**
 * The one place where the CLI turns an error into what staff see and the exit code scripts see: a single line on
 * stderr, in Chinese with a short English hint, and exit code 2 for bad input (an unknown base, a malformed option) or
 * 1 for a failure (a store that cannot be read, an object gone). Never a stack trace, unless INTAKE_DEBUG=1.
 */
import { CommanderError } from 'commander';
import { IntakeError, isIntakeError } from '../shared/domain/errors.ts';

/** Exit code of a command refused for its input (arguments, options, ids that name nothing). */
export const EXIT_INPUT = 2;
/** Exit code of a command that failed (stores, files, the network). */
export const EXIT_FAILURE = 1;

/** Bad input found by the CLI itself (a city it does not know, an option out of range). */
export class CliInputError extends IntakeError {
  constructor(messageZh: string, hint: string) {
    super('cli.bad-input', 'input', hint, messageZh);
    this.name = 'CliInputError';
  }
}

/** What to print and which code to exit with. */
export interface ErrorReport {
  exitCode: number;
  /** The line for stderr (no newline); null when commander printed what there was to print (help). */
  line: string | null;
}

/** Hints by error code, in English, for the errors staff meet most. */
const HINTS: Record<string, string> = {
  'base.unknown': 'intake status --json lists the bases and their ids (p01, …)',
  'submission.unknown': 'intake status --json lists submissions; ids look like s-<32 hex digits>',
  'city.unknown': 'a city id (taiyuan) or name (太原, 太原市)',
  'store.object-missing': 'run intake doctor to check every stored file',
  'store.unreadable': 'run intake doctor --repair',
  'intake.interrupted': 'intake start or intake ingest resumes it from the stored raw message',
};

/** Maps an error to the line and exit code (see the module comment). `command` names the subcommand for hints. */
export function describeError(error: unknown, command?: string): ErrorReport {
  const see = command ? `intake ${command} --help` : 'intake --help';
  if (error instanceof CommanderError || isCommanderError(error)) return commanderError(error, see);
  if (isIntakeError(error)) {
    const hint =
      error.code === 'cli.bad-input' || error.code === 'staff-action.refused' ? error.message : HINTS[error.code];
    return {
      exitCode: error.kind === 'input' ? EXIT_INPUT : EXIT_FAILURE,
      line: line(error.messageZh, hint ?? error.message),
    };
  }
  if (isZodError(error)) {
    const issue = error.issues[0];
    const where = issue?.path?.length ? `${issue.path.join('.')}：` : '';
    return {
      exitCode: EXIT_INPUT,
      line: line(`输入有误：${where}${issue?.message ?? '格式不符'}`, `invalid input; see ${see}`),
    };
  }
  const system = error as NodeJS.ErrnoException;
  if (system?.code === 'ENOENT' && system.path) {
    return { exitCode: EXIT_INPUT, line: line(`找不到文件：${system.path}`, 'no such file') };
  }
  if (system?.code === 'EACCES' && system.path) {
    return { exitCode: EXIT_FAILURE, line: line(`无权读写：${system.path}`, 'permission denied') };
  }
  if (system?.code === 'ECONNREFUSED') {
    return {
      exitCode: EXIT_FAILURE,
      line: line(
        '无法连接本地服务（intake start 是否已退出？）',
        `${system.message}; remove stack.json if it is stale`,
      ),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : 'Error';
  return {
    exitCode: EXIT_FAILURE,
    line: line(`执行失败：${firstLine(message)}`, `${name}; set INTAKE_DEBUG=1 for the stack trace`),
  };
}

/** Prints the error as describeError says (and its stack with INTAKE_DEBUG=1) and returns the exit code. */
export function reportError(
  error: unknown,
  command: string | undefined,
  write: (text: string) => void = (text) => process.stderr.write(text),
  env: NodeJS.ProcessEnv = process.env,
): number {
  const report = describeError(error, command);
  if (report.line) write(`${report.line}\n`);
  if (env.INTAKE_DEBUG && env.INTAKE_DEBUG !== '0' && error instanceof Error) {
    write(`${error.stack ?? error.message}\n`);
    if (error.cause instanceof Error) write(`cause: ${error.cause.stack ?? error.cause.message}\n`);
  }
  return report.exitCode;
}

function line(zh: string, hint?: string): string {
  const text = `错误：${firstLine(zh)}`;
  return hint ? `${text} (${firstLine(hint)})` : text;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0]?.trim() ?? '';
}

interface CommanderLike {
  code: string;
  exitCode: number;
  message: string;
}

function isCommanderError(error: unknown): error is CommanderLike {
  const e = error as Partial<CommanderLike> | null;
  return typeof e?.code === 'string' && e.code.startsWith('commander.') && typeof e.exitCode === 'number';
}

function isZodError(error: unknown): error is { issues: { path?: PropertyKey[]; message?: string }[] } {
  return error instanceof Error && error.name === 'ZodError' && Array.isArray((error as { issues?: unknown }).issues);
}

/** Commander's own errors: it printed nothing (output is silenced); help and version are not errors. */
function commanderError(error: CommanderLike, see: string): ErrorReport {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
    return { exitCode: 0, line: null };
  }
  // `intake` alone: commander printed the help; a command was missing.
  if (error.code === 'commander.help') return { exitCode: EXIT_INPUT, line: line('缺少命令', 'see intake --help') };
  const english = error.message.replace(/^error:\s*/, '');
  const quoted = [...english.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');
  const flag = (spec: string | undefined) => (spec ?? '').split(/[ ,]/)[0] ?? '';
  const hint = `${english}; see ${see}`;
  switch (error.code) {
    case 'commander.unknownCommand':
      return { exitCode: EXIT_INPUT, line: line(`没有命令“${quoted[0] ?? ''}”`, `${english}; see intake --help`) };
    case 'commander.unknownOption':
      return { exitCode: EXIT_INPUT, line: line(`没有选项 ${quoted[0] ?? ''}`, hint) };
    case 'commander.missingArgument':
      return { exitCode: EXIT_INPUT, line: line(`缺少参数 <${quoted[0] ?? ''}>`, hint) };
    case 'commander.optionMissingArgument':
      return { exitCode: EXIT_INPUT, line: line(`选项 ${flag(quoted[0])} 缺少取值`, hint) };
    case 'commander.missingMandatoryOptionValue':
      return { exitCode: EXIT_INPUT, line: line(`缺少必填选项 ${flag(quoted[0])}`, hint) };
    case 'commander.excessArguments':
      return { exitCode: EXIT_INPUT, line: line('参数过多', hint) };
    case 'commander.conflictingOption':
      return { exitCode: EXIT_INPUT, line: line('选项相互冲突', hint) };
    case 'commander.invalidArgument': {
      // From an argParser, commander wrote `option '--copies <n>' argument '-5' is invalid. <reason>`; thrown in an
      // action, the message is the reason alone.
      const formatted =
        /^(?:option '([^']*)' argument '([^']*)'|command-argument value '([^']*)' is invalid for argument '([^']*)')(?: is invalid)?\.\s*(.*)$/s.exec(
          english,
        );
      if (!formatted) return { exitCode: EXIT_INPUT, line: line(zhPart(english), `${enPart(english)}; see ${see}`) };
      const [, option, optionValue, argValue, argument, reason = ''] = formatted;
      const what = option ? `选项 ${flag(option)} 的值“${optionValue}”` : `参数 <${argument}> 的值“${argValue}”`;
      return { exitCode: EXIT_INPUT, line: line(`${what}无效：${zhPart(reason)}`, `${enPart(reason)}; see ${see}`) };
    }
    default:
      return { exitCode: EXIT_INPUT, line: line(`命令行有误：${english}`, `see ${see}`) };
  }
}

/**
 * Reasons written `中文说明 (English)` split into their two halves; a reason in one language serves as both.
 */
function zhPart(reason: string): string {
  const match = /^(.*?)\s*\(([^()]*)\)\s*$/s.exec(reason);
  return match?.[1] ? match[1] : reason;
}

function enPart(reason: string): string {
  const match = /^(.*?)\s*\(([^()]*)\)\s*$/s.exec(reason);
  return match?.[2] ? match[2] : reason;
}
