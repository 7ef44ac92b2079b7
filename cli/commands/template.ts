/**
 * `intake template --out 报告表.xlsx`: writes the report form (附件2) as a spreadsheet bases can fill. Needs no
 * running stack: the form comes from the round's data.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';

/** Adds the `template` command to the program. */
export function registerTemplateCommand(program: Command): void {
  program
    .command('template')
    .description('生成可填写的报告表（附件2 经营服务情况报告表）.xlsx，发给基地')
    .requiredOption('--out <file>', '工作簿写到哪里，例如 报告表.xlsx', toXlsxPath)
    .option('--round <id>', '评价年度编号（默认最新一年）')
    .option('--json', '以 JSON 输出')
    .action(async (options: { out: string; round?: string; json?: boolean }) => {
      const [{ loadRound }, { buildReportTemplate }] = await Promise.all([
        import('../../shared/domain/rounds/index.ts'),
        import('../../shared/parsing/report-template.ts'),
      ]);
      const round = loadRound(options.round);
      const data = await buildReportTemplate(round);
      await writeFile(options.out, data);
      const result = { file: resolve(options.out), round: round.id, items: round.formItems.length, bytes: data.length };
      console.log(
        options.json ? JSON.stringify(result, null, 2) : `已生成报告表模板 ${result.file}（${result.items}项）`,
      );
    });
}

function toXlsxPath(value: string): string {
  if (!/\.xlsx$/i.test(value))
    throw new InvalidArgumentError(
      '模板是 .xlsx 工作簿，文件名须以 .xlsx 结尾 (the template is an .xlsx workbook: end the name in .xlsx)',
    );
  return value;
}
