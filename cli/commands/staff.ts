/**
 * Staff decisions from the command line: each takes `--reason` (kept in the audit trail) and `--actor`.
 */
import type { Command } from 'commander';
import type { Round } from '../../shared/domain/catalogue.ts';
import type { BaseStatus } from '../../shared/domain/records.ts';
import { resolveCity, toCount, toDay, toInt, toList } from '../args.ts';
import { statusLine } from './status-words.ts';

const ACTOR = process.env.INTAKE_ACTOR ?? process.env.USER ?? 'staff';
const DEFAULT_DATA_DIR = '.intake';

type Action = (
  ctx: import('../../shared/use-cases/context.ts').AppContext,
  options: Record<string, unknown>,
) => Promise<unknown>;

/** Adds the staff-decision commands to the program. */
export function registerStaffCommands(program: Command): void {
  const command = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .requiredOption('--reason <text>', '原因（记入操作记录）')
      .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
      .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
      .option('--json', '以 JSON 输出');

  const run =
    (action: Action) =>
    async (...args: unknown[]) => {
      const options = args.at(-2) as Record<string, unknown>;
      const positional = args.slice(0, -2);
      const { createLocalContext } = await import('../../shared/composition/local.ts');
      const local = await createLocalContext({ dataDir: options.dataDir as string });
      try {
        const result = await action(local.ctx, { ...options, args: positional });
        console.log(options.json ? JSON.stringify(result, null, 2) : summary(local.ctx.round, result));
      } finally {
        await local.close();
      }
    };
  const staff = () => import('../../shared/use-cases/staff-actions.ts');
  const who = (o: Record<string, unknown>) => ({ actor: String(o.actor), reason: String(o.reason) });
  const arg = (o: Record<string, unknown>, i: number) => String((o.args as unknown[])[i]);

  command('waive', '豁免基地的一条提示（已人工核实）')
    .argument('<base>', '基地编号')
    .argument('<code>', '提示代码，例如 report.encrypted')
    .option('--item <n>', '提示所涉报告表项目', toInt)
    .option('--indicator <slug>', '提示所涉指标')
    .option('--document <file>', '提示所涉文件名')
    .option('--reopen', '撤销豁免')
    .action(
      run(async (ctx, o) => {
        const s = await staff();
        const input = {
          baseId: arg(o, 0),
          code: arg(o, 1),
          item: o.item as number | undefined,
          indicator: o.indicator as string | undefined,
          document: o.document as string | undefined,
          ...who(o),
        };
        return o.reopen ? s.reopenFinding(ctx, input) : s.waiveFinding(ctx, input);
      }),
    );

  command('not-applicable', '将某项指标标记为对该基地不适用（不再要求证明材料）')
    .argument('<base>', '基地编号')
    .argument('<indicator>', '指标代号')
    .option('--undo', '撤销')
    .action(
      run(async (ctx, o) =>
        (await staff()).markNotApplicable(ctx, { baseId: arg(o, 0), indicator: arg(o, 1), active: !o.undo, ...who(o) }),
      ),
    );

  // `classify` (by hand, or --explain) and `unclassified` are in ./classify.ts.

  command('withdraw', '撤回一个文件（发错，或已由新文件替代）')
    .argument('<document>', '文件编号（<来件编号>/<sha256>）')
    .option('--restore', '恢复')
    .action(
      run(async (ctx, o) =>
        (await staff()).withdrawDocument(ctx, { documentId: arg(o, 0), active: !o.restore, ...who(o) }),
      ),
    );

  command('paper', '登记经市商务局报来的基地纸质材料（盖章）')
    .argument('<base>', '基地编号')
    .option('--copies <n>', '收到份数（不小于0的整数）', toCount, 2)
    .option('--received-on <date>', '收到日期，YYYY-MM-DD，北京时间（默认今天）', toDay)
    .action(
      run(async (ctx, o) =>
        (await staff()).recordPaperCopies(ctx, {
          baseId: arg(o, 0),
          copies: o.copies as number,
          receivedOn: o.receivedOn as string | undefined,
          ...who(o),
        }),
      ),
    );

  command('recommend', '将名单外来件（已取消称号）的基地转为地市本年度新推荐基地，保留其已报材料')
    .argument('<submission>', '来件编号（s-…），见 intake status --json 的 excluded')
    .action(
      run(async (ctx, o) => {
        const { recommendExcludedBase } = await import('../../shared/use-cases/excluded.ts');
        return recommendExcludedBase(ctx, { submissionId: arg(o, 0), ...who(o) });
      }),
    );

  command('city-letter', '登记市商务局公函')
    .argument('<city>', 'city id or name, e.g. taiyuan or 太原')
    .option('--pilot <ids>', '公函确定的试点单位基地编号，以逗号分隔', toList)
    .option('--ranking <ids>', '按公函顺序的推荐基地编号，以逗号分隔', toList)
    .option('--not-received', '标记公函未收到')
    .action(
      run(async (ctx, o) =>
        (await staff()).recordCityLetter(ctx, {
          city: await resolveCity(arg(o, 0), ctx.round.id),
          received: !o.notReceived,
          pilotUnits: o.pilot as string[] | undefined,
          ranking: o.ranking as string[] | undefined,
          ...who(o),
        }),
      ),
    );

  command('confirm-sender', '确认某发件地址代表该基地发件（以后据此归属来件）')
    .argument('<address>', '电子邮件地址')
    .argument('<base>', '基地编号')
    .action(
      run(async (ctx, o) => (await staff()).confirmSender(ctx, { address: arg(o, 0), baseId: arg(o, 1), ...who(o) })),
    );
}

function summary(round: Round, result: unknown): string {
  if (result && typeof result === 'object' && 'replaces' in result && 'base' in result) {
    const done = result as { base: { id: string; name: string }; replaces: { id: string }; submissions: string[] };
    return `${done.replaces.id} -> ${done.base.name}（${done.base.id}，本轮新推荐）：${done.submissions.length}次报送及其文件已转入`;
  }
  if (result && typeof result === 'object' && 'state' in result && 'name' in result && 'missing' in result) {
    return statusLine(round, result as BaseStatus);
  }
  return JSON.stringify(result);
}
