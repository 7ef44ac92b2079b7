/**
 * `intake export --out 汇总.xlsx`: the status workbook staff hand to the experts — a summary sheet, every base on
 * one sheet, one sheet per city (one row per base, its contact, what is missing and what to check), the unmatched
 * queue; `--city` writes one city's workbook for its bureau. A progress bar on stderr while it works (on a
 * terminal); `--json` prints what was written.
 */
import { open, rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { resolveCity, toDate } from '../args.ts';
import { progressBar } from './progress.ts';

const DEFAULT_DATA_DIR = '.intake';

/** Adds the `export` command to the program. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('导出材料报送情况汇总表（汇总、全部基地、各地市一表、待分配邮件），供专家评审和打印')
    .requiredOption('--out <file>', '工作簿写到哪里，例如 汇总.xlsx', toXlsxPath)
    .option('--city <city>', '只导出这个地市（发给该市商务局）：编号或名称，例如 taiyuan 或 太原')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--as-of <iso>', '按此时刻的情况导出（ISO 8601，例如 2023-11-11T00:00:00+08:00）', toDate)
    .option('--json', '以 JSON 输出')
    .action(async (options: { out: string; dataDir: string; asOf?: Date; city?: string; json?: boolean }) => {
      const city = options.city ? await resolveCity(options.city) : undefined;
      const [{ createLocalContext }, { buildStatusWorkbook }] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/export.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      const progress = progressBar('导出', 1);
      // Written to the file as it is built (never whole in memory), under a passing name until complete: a failed
      // export leaves no half workbook where the finished one goes.
      const partial = `${options.out}.partial`;
      try {
        const { bytes, summary } = await buildStatusWorkbook(local.ctx, {
          asOf: options.asOf,
          city,
          onProgress: (done, total, detail) => progress.update(done, detail, total),
          to: (await open(partial, 'w')).createWriteStream(),
        });
        progress.finish();
        await rename(partial, options.out);
        const result = { file: resolve(options.out), bytes, ...summary };
        console.log(
          options.json
            ? JSON.stringify(result, null, 2)
            : `已导出 ${result.file}：${summary.bases}个基地，${summary.sheets.length}张工作表${city ? '' : `，待分配邮件${summary.unmatched}封`}`,
        );
      } finally {
        progress.finish();
        await rm(partial, { force: true });
        await local.close();
      }
    });
}

function toXlsxPath(value: string): string {
  if (!/\.xlsx$/i.test(value))
    throw new InvalidArgumentError(
      '汇总表是 .xlsx 工作簿，文件名须以 .xlsx 结尾 (the export is an .xlsx workbook: end the name in .xlsx)',
    );
  return value;
}
