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
      .requiredOption('--reason <text>', 'why (kept in the audit trail)')
      .option('--actor <name>', 'who (default: $INTAKE_ACTOR or $USER)', ACTOR)
      .option('--data-dir <dir>', 'data directory', DEFAULT_DATA_DIR)
      .option('--json', 'print JSON');

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

  command('waive', 'waive a finding of a base (staff checked it by hand)')
    .argument('<base>', 'base id')
    .argument('<code>', 'finding code, e.g. report.encrypted')
    .option('--item <n>', 'form item of the finding', toInt)
    .option('--indicator <slug>', 'indicator of the finding')
    .option('--document <file>', 'file name of the finding')
    .option('--reopen', 'take the waiver back')
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

  command('not-applicable', 'mark an indicator not applicable to a base (no evidence required)')
    .argument('<base>', 'base id')
    .argument('<indicator>', 'indicator slug')
    .option('--undo', 'take it back')
    .action(
      run(async (ctx, o) =>
        (await staff()).markNotApplicable(ctx, { baseId: arg(o, 0), indicator: arg(o, 1), active: !o.undo, ...who(o) }),
      ),
    );

  // `classify` (by hand, or --explain) and `unclassified` are in ./classify.ts.

  command('withdraw', 'withdraw a document (sent by mistake or superseded)')
    .argument('<document>', 'document id (<submission>/<sha256>)')
    .option('--restore', 'put it back')
    .action(
      run(async (ctx, o) =>
        (await staff()).withdrawDocument(ctx, { documentId: arg(o, 0), active: !o.restore, ...who(o) }),
      ),
    );

  command('paper', 'record the sealed paper copies of a base received through its city bureau')
    .argument('<base>', 'base id')
    .option('--copies <n>', 'copies received (a whole number ≥ 0)', toCount, 2)
    .option('--received-on <date>', 'day they arrived, YYYY-MM-DD Beijing time (default: today)', toDay)
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

  command(
    'recommend',
    'turn the base of an excluded submission (取消称号) into a base the city recommends this round, keeping what it sent',
  )
    .argument('<submission>', 'submission id (s-...) listed under excluded in `intake status --json`')
    .action(
      run(async (ctx, o) => {
        const { recommendExcludedBase } = await import('../../shared/use-cases/excluded.ts');
        return recommendExcludedBase(ctx, { submissionId: arg(o, 0), ...who(o) });
      }),
    );

  command('city-letter', "record a city bureau's official letter (公函)")
    .argument('<city>', 'city id or name, e.g. taiyuan or 太原')
    .option('--pilot <ids>', 'base ids the letter marks as pilot units, comma-separated', toList)
    .option('--ranking <ids>', 'recommended base ids in the letter order, comma-separated', toList)
    .option('--not-received', 'mark the letter as not received')
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

  command('confirm-sender', 'remember that an address sends for a base')
    .argument('<address>', 'e-mail address')
    .argument('<base>', 'base id')
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
