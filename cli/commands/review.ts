/**
 * The expert review from the command line (`intake review …`): score sheets out, scores in, results, the earlier
 * grades staff enter from the cities' letters, the list-adjustment workbook and the 公示.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { resolveOptionalCity, toDate, toDay, toInt } from '../args.ts';
import { CliInputError } from '../errors.ts';

const ACTOR = process.env.INTAKE_ACTOR ?? process.env.USER ?? 'staff';
const DEFAULT_DATA_DIR = '.intake';

async function withContext<T>(
  dataDir: string,
  run: (ctx: import('../../shared/use-cases/context.ts').AppContext) => Promise<T>,
) {
  const { createLocalContext } = await import('../../shared/composition/local.ts');
  const local = await createLocalContext({ dataDir });
  try {
    return await run(local.ctx);
  } finally {
    await local.close();
  }
}

/** Adds `intake review` and its subcommands to the program. */
export function registerReviewCommands(program: Command): void {
  const review = program.command('review').description('专家评审：评分表、评分、结果、名单调整');

  review
    .command('sheets')
    .description('为每位专家生成评分工作簿（每个基地一张表，已预填并设数据校验），写入文件夹')
    .requiredOption('--expert <name...>', '专家姓名，例如 专家A')
    .requiredOption('--out <dir>', '工作簿写入的文件夹')
    .option('--base <ids...>', '只含这些基地（编号）')
    .option('--link-base <url>', '网页地址，用于每个基地材料的链接，例如 https://…')
    .option('--as-of <iso>', '按此时刻的材料（ISO 8601）', toDate)
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (options) => {
      const { issueScoreSheets } = await import('../../shared/use-cases/review-sheets.ts');
      await mkdir(options.out, { recursive: true });
      const written = await withContext(options.dataDir, async (ctx) => {
        const out = [];
        for (const expert of options.expert as string[]) {
          const issued = await issueScoreSheets(ctx, {
            expert,
            actor: options.actor,
            asOf: options.asOf,
            baseIds: options.base,
            linkBase: options.linkBase,
          });
          const file = resolve(join(options.out, issued.fileName));
          await writeFile(file, issued.workbook);
          out.push({ expert, file, bases: issued.bases.length, bytes: issued.workbook.length });
        }
        return out;
      });
      console.log(
        options.json
          ? JSON.stringify(written, null, 2)
          : written.map((w) => `已生成 ${w.file}（${w.expert}，${w.bases}个基地）`).join('\n'),
      );
    });

  review
    .command('import')
    .description('读入专家填好的评分工作簿；有任何错误则全部不导入（退出码 1）')
    .argument('<files...>', '填好的 .xlsx 工作簿')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (files: string[], options) => {
      const { importScoreSheets } = await import('../../shared/use-cases/review-import.ts');
      const input = await Promise.all(files.map(async (f) => ({ fileName: basename(f), content: await readFile(f) })));
      const result = await withContext(options.dataDir, (ctx) =>
        importScoreSheets(ctx, { files: input, actor: options.actor }),
      );
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else {
        const shown = result.findings.filter((f) => f.severity !== 'info');
        for (const f of shown) console.log(`${f.severity === 'error' ? '错误' : '提示'}  ${f.message}`);
        const skipped = result.findings.length - shown.length;
        console.log(
          result.applied
            ? `已导入：${result.accepted.length}份基地评分（其中更新${result.accepted.filter((a) => a.changed).length}份）${skipped ? `，${skipped}张空白工作表跳过` : ''}`
            : `未导入：发现${shown.filter((f) => f.severity === 'error').length}处错误，全部文件均未导入，请更正后重新导入。`,
        );
      }
      if (!result.applied) process.exitCode = 1;
    });

  review
    .command('results')
    .description('各基地的得分、等级和排名（用 --base 时并列各专家评分）')
    .option('--city <city>', '只看这个地市：编号或名称（taiyuan、太原）')
    .option('--as-of <iso>', '按此时刻的材料（用于扣分）', toDate)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (options) => {
      const [{ queryReview }, { fmt }] = await Promise.all([
        import('../../shared/use-cases/review.ts'),
        import('../../shared/domain/review.ts'),
      ]);
      const city = await resolveOptionalCity(options.city);
      const report = await withContext(options.dataDir, (ctx) => queryReview(ctx, { asOf: options.asOf }));
      const results = report.results.filter((r) => !city || r.city === city);
      if (options.json) {
        console.log(JSON.stringify({ ...report, results }, null, 2));
        return;
      }
      const sorted = [...results].sort((a, b) => (a.rank.province ?? 999) - (b.rank.province ?? 999));
      for (const r of sorted) {
        const flags = [
          ...r.groups.filter((g) => r.experts.length && g.belowShare).map((g) => `${g.level1}未超过60%`),
          ...r.deductions.map((d) => `${d.reason}-${fmt(d.points)}`),
          ...r.blockers.map((b) => `控制项${b}未确认`),
          r.awaiting.length ? `待交：${r.awaiting.join('、')}` : '',
        ].filter(Boolean);
        console.log(
          [
            r.rank.province ? String(r.rank.province).padStart(2) : ' -',
            r.name,
            r.total === null ? '未评完' : `${fmt(r.total)}分 ${r.grade}`,
            r.experts.length ? `专家${r.experts.length}人` : '',
            flags.join('；'),
          ]
            .filter(Boolean)
            .join('  '),
        );
      }
    });

  review
    .command('prior-grade')
    .description('登记基地以往评价等级（据地市公函，用于名单调整）')
    .argument('<base>', '基地编号')
    .argument('<grade>', 'A、B、C 或 D')
    .requiredOption('--year <year>', '该次评价的年度', toInt)
    .requiredOption('--reason <text>', '依据，例如 太原市商务局公函')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (baseId: string, grade: string, options) => {
      const { enterPriorGrade } = await import('../../shared/use-cases/review.ts');
      const entry = await withContext(options.dataDir, (ctx) =>
        enterPriorGrade(ctx, { baseId, grade, year: options.year, actor: options.actor, reason: options.reason }),
      );
      console.log(options.json ? JSON.stringify(entry, null, 2) : `已录入 ${baseId} ${entry.year}年度 ${entry.grade}`);
    });

  review
    .command('deduct')
    .description('人工扣分（三(一)：数据不实等），原因显示在结果旁')
    .argument('<base>', '基地编号')
    .argument('<points>', '扣除分数', toPoints)
    .requiredOption('--reason <text>', '随结果显示的原因，例如 数据不实')
    .option('--withdraw <id>', '改为撤回此编号的扣分（基地任填，分数填 0）')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (baseId: string, points: number, options) => {
      const { deductByHand, withdrawDeduction } = await import('../../shared/use-cases/review.ts');
      const out = await withContext(options.dataDir, (ctx) =>
        options.withdraw
          ? withdrawDeduction(ctx, { id: options.withdraw, actor: options.actor, reason: options.reason })
          : deductByHand(ctx, { baseId, points, reason: options.reason, actor: options.actor }),
      );
      console.log(
        options.json
          ? JSON.stringify(out, null, 2)
          : out.active
            ? `已扣分 ${out.baseId} −${out.points}（${out.reason}），编号${out.id}`
            : `已撤销扣分 ${out.id}`,
      );
    });

  review
    .command('objection')
    .description('登记公示期间收到的异议（二、(三)），或用 --decide 登记复议结论')
    .argument('[base]', '涉及的基地编号（针对整个名单时省略）')
    .option('--from <who>', '异议人（单位或个人）')
    .option('--on <day>', '收到或作出结论的日期（YYYY-MM-DD）', toDay)
    .option('--summary <text>', '异议内容')
    .option('--decide <id>', '改为登记此异议的复议结论')
    .option('--upheld', '与 --decide 同用：异议成立（默认不成立）')
    .option('--note <text>', '与 --decide 同用：专家复议意见')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (baseId: string | undefined, options) => {
      const { decideObjection, recordObjection } = await import('../../shared/use-cases/review.ts');
      if (!options.on) throw new CliInputError('缺少选项 --on YYYY-MM-DD', '--on YYYY-MM-DD is required');
      const out = await withContext(options.dataDir, (ctx) =>
        options.decide
          ? decideObjection(ctx, {
              id: options.decide,
              decision: options.upheld ? 'upheld' : 'rejected',
              note: options.note ?? '',
              decidedOn: options.on,
              actor: options.actor,
            })
          : recordObjection(ctx, {
              baseId: baseId ?? null,
              raisedBy: options.from ?? '',
              receivedOn: options.on,
              summary: options.summary ?? '',
              actor: options.actor,
            }),
      );
      console.log(
        options.json
          ? JSON.stringify(out, null, 2)
          : out.outcome
            ? `异议${out.id}：${out.outcome.decision === 'upheld' ? '异议成立' : '异议不成立'}（${out.outcome.note}）`
            : `已登记异议，编号${out.id}`,
      );
    });

  review
    .command('proposal')
    .description('生成名单调整会议用工作簿（拟撤销、候选、全部结果）')
    .requiredOption('--out <file>', 'e.g. 调整建议.xlsx')
    .option('--as-of <iso>', '按此时刻的材料（用于扣分）', toDate)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (options) => {
      const [{ queryReview }, { buildProposalWorkbook }] = await Promise.all([
        import('../../shared/use-cases/review.ts'),
        import('../../shared/use-cases/review-proposal.ts'),
      ]);
      const { report, data } = await withContext(options.dataDir, async (ctx) => {
        const report = await queryReview(ctx, { asOf: options.asOf });
        return { report, data: await buildProposalWorkbook(ctx.round, report) };
      });
      await writeFile(options.out, data);
      const summary = {
        file: resolve(options.out),
        removals: report.proposal.removals.map((r) => r.name),
        additions: report.proposal.additions.map((a) => a.name),
        gaps: report.proposal.gaps.length,
      };
      console.log(
        options.json
          ? JSON.stringify(summary, null, 2)
          : `已导出 ${summary.file}：拟取消${summary.removals.length}家，拟补入${summary.additions.length}家，待核实${summary.gaps}家`,
      );
    });

  review
    .command('feedback')
    .description('向各市商务局反馈：本市基地的得分、等级、排名、意见（不加 --send 只预览）')
    .option('--city <city>', '只看这个地市：编号或名称（taiyuan、太原）')
    .option('--send', '发送（每市同一内容只发一次；内容未变不重发）')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (options) => {
      const city = await resolveOptionalCity(options.city);
      const { sendReviewFeedback } = await import('../../shared/use-cases/review-feedback.ts');
      const out = await withContext(options.dataDir, (ctx) =>
        sendReviewFeedback(ctx, { city, send: options.send, actor: options.actor }),
      );
      if (options.json) {
        console.log(JSON.stringify(out, null, 2));
        return;
      }
      for (const f of out.filter((x) => x.status !== 'no-bases')) {
        if (!options.send) console.log(`${f.subject}\n收件人：${f.to.join(', ') || '（未配置）'}\n\n${f.text}\n`);
        else console.log(`${f.city}：${f.status}（${f.scored}/${f.bases}个基地有结果）`);
      }
    });

  review
    .command('publicity')
    .description('生成评价结果和拟定名单的公示（按文件名生成 .html 或 .docx）')
    .requiredOption('--out <file>', 'e.g. 公示.html or 公示.docx')
    .requiredOption('--from <day>', '公示期第一天（YYYY-MM-DD）', toDay)
    .option('--until <day>', '公示期最后一天（默认按方案的公示天数，工作日）', toDay)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .action(async (options) => {
      const [{ queryReview }, text] = await Promise.all([
        import('../../shared/use-cases/review.ts'),
        import('../../shared/domain/review-text.ts'),
      ]);
      const data = await withContext(options.dataDir, async (ctx) => {
        const report = await queryReview(ctx);
        const until = options.until ?? text.addWorkingDays(options.from, report.scheme.adjustment.objectionDays);
        const notice = text.publicityText({
          round: ctx.round,
          proposal: report.proposal,
          results: report.results,
          from: options.from,
          until,
        });
        if (!/\.docx$/i.test(options.out)) return text.publicityHtml(notice);
        const { publicityDocx } = await import('../../shared/use-cases/review-publicity-docx.ts');
        return publicityDocx(notice, { modified: ctx.clock.now() });
      });
      await writeFile(options.out, data);
      console.log(`已生成公示 ${resolve(options.out)}`);
    });
}

function toPoints(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('扣分应为不小于0的数，如 2 或 0.5 (points: a number, e.g. 2 or 0.5)');
  return n;
}
