/**
 * `intake export --out 汇总.xlsx`: the status workbook staff hand to the experts — a summary sheet, one sheet per
 * city (one row per base, what is missing and what to check), the unmatched queue. A progress bar on stderr while it
 * works (on a terminal); `--json` prints what was written.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { toDate } from '../args.ts';
import { progressBar } from './progress.ts';

const DEFAULT_DATA_DIR = '.intake';

/** Adds the `export` command to the program. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('write the status workbook (summary, a sheet per city, unmatched queue) for the experts')
    .requiredOption('--out <file>', 'where to write the workbook, e.g. 汇总.xlsx', toXlsxPath)
    .option('--data-dir <dir>', 'data directory', DEFAULT_DATA_DIR)
    .option('--as-of <iso>', 'status at this moment (ISO 8601)', toDate)
    .option('--json', 'print JSON')
    .action(async (options: { out: string; dataDir: string; asOf?: Date; json?: boolean }) => {
      const [{ createLocalContext }, { buildStatusWorkbook }] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/export.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      const progress = progressBar('导出', 1);
      try {
        const { workbook, summary } = await buildStatusWorkbook(local.ctx, {
          asOf: options.asOf,
          onProgress: (done, total, detail) => progress.update(done, detail, total),
        });
        progress.finish();
        await writeFile(options.out, workbook);
        const result = { file: resolve(options.out), bytes: workbook.length, ...summary };
        console.log(
          options.json
            ? JSON.stringify(result, null, 2)
            : `已导出 ${result.file}：${summary.bases}个基地，${summary.sheets.length}张工作表，待分配邮件${summary.unmatched}封`,
        );
      } finally {
        progress.finish();
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
