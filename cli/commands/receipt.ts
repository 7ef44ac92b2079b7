/**
 * `intake receipt 2023-0158`: which base a portal upload's receipt number belongs to, for staff a base phones with
 * the number it was shown: when it arrived, which base (or 待分配), and that base's status line as `intake status`
 * prints it. Exits 2 when no upload has that number.
 */
import type { Command } from 'commander';
import { toDate } from '../args.ts';
import { CliInputError } from '../errors.ts';

const DEFAULT_DATA_DIR = '.intake';

/** Adds `receipt` to the program. */
export function registerReceiptCommand(program: Command): void {
  program
    .command('receipt')
    .description('按回执编号（网上提交后页面给出的编号，如 2023-0158）查找所属基地及其材料情况')
    .argument('<number>', '回执编号')
    .option('--as-of <iso>', '按此时刻的情况（ISO 8601）', toDate)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (number: string, options: { asOf?: Date; dataDir: string; json?: boolean }) => {
      const [{ createLocalContext }, { queryStatus }, { statusTable }, { asReceiptNumber }, time] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/query.ts'),
        import('./status-table.ts'),
        import('../../shared/use-cases/upload-receipt-number.ts'),
        import('../../shared/domain/chinese-time.ts'),
      ]);
      if (!asReceiptNumber(number)) {
        throw new CliInputError(
          `“${number}”不是回执编号（格式如 2023-0158）`,
          `"${number}" is not a receipt number (e.g. 2023-0158)`,
        );
      }
      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        const report = await queryStatus(local.ctx, {
          ...(options.asOf ? { asOf: options.asOf } : {}),
          receipt: number,
        });
        const receipt = report.receipt ?? null;
        if (!receipt) {
          throw new CliInputError(
            `没有找到回执编号为${asReceiptNumber(number)}的网上提交`,
            `no upload has receipt number ${number}`,
          );
        }
        const base = report.bases[0] ?? null;
        if (options.json) {
          console.log(JSON.stringify({ receipt, base }, null, 2));
          return;
        }
        const received = time.chineseTime(receipt.receivedAt, local.ctx.round);
        console.log(`回执编号 ${receipt.number}：${received}网上提交（${receipt.submissionId}）`);
        if (!base) {
          console.log('尚未确定所属基地，在待分配邮件中（intake assign <来件编号> <基地> 分配）。');
          return;
        }
        console.log(`所属基地：${base.name}（${base.baseId}）\n`);
        for (const line of statusTable(local.ctx.round, [base])) console.log(line);
      } finally {
        await local.close();
      }
    });
}
