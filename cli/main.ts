/**
 * The staff CLI (`npx intake`): the commands of DESIGN.md on the local stack. Every command takes `--data-dir`;
 * reading commands take `--as-of` and `--json`.
 */
import { readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import type { StatusReport } from '../shared/use-cases/query.ts';
import { resolveCity, resolveOptionalCity, toDate, toPort } from './args.ts';
import { statusJsonChunks } from './commands/status-json.ts';
import { CliInputError, reportError } from './errors.ts';
import { useChineseHelp } from './help.ts';

/** Default data directory (kept here so that `--help` loads nothing heavy). */
const DEFAULT_DATA_DIR = '.intake';

// Commands import what they need when they run: the SDK, exceljs and pdf.js take seconds to load, and `--help` or
// a mistyped option should not wait for them.
const load = {
  local: () => import('../shared/composition/local.ts'),
  intake: () => import('../shared/use-cases/intake.ts'),
  notify: () => import('../shared/use-cases/notify.ts'),
  query: () => import('../shared/use-cases/query.ts'),
  words: () => import('../shared/domain/notice-text.ts'),
  time: () => import('../shared/domain/round-time.ts'),
  start: () => import('./start.ts'),
  staff: () => import('../shared/use-cases/staff-actions.ts'),
  upload: () => import('../shared/use-cases/upload.ts'),
  imap: () => import('../shared/adapters/imap/imap-mailbox-poller.ts'),
};

/** `intake status`'s answer: the report as JSON, or the table and the two queues' counts. */
async function printStatus(report: StatusReport, table: readonly string[], json: boolean | undefined): Promise<void> {
  if (json) {
    // A base at a time, waiting while a pipe is full (a pipe's writes queue in memory when the reader is slower:
    // a whole round's text, 30 MB, held twice over): the whole text is never held at once.
    for (const chunk of statusJsonChunks(report)) {
      if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
    process.stdout.write('\n');
    return;
  }
  for (const line of table) console.log(line);
  if (report.unmatched.length > 0) console.log(`\n待分配邮件：${report.unmatched.length}封`);
  if (report.excluded.length > 0) {
    console.log(
      `名单外来件（不在本年度参评名单内的基地）：${report.excluded.length}次（intake recommend <submission> 转为新推荐基地）`,
    );
  }
}

/** Who is acting, for the audit trail. */
const ACTOR = process.env.INTAKE_ACTOR ?? process.env.USER ?? 'staff';

/**
 * Runs the CLI with the process arguments. Every error ends here as one line on stderr (cli/errors.ts) and the exit
 * code: 2 for bad input, 1 for a failure; never a stack trace unless INTAKE_DEBUG=1.
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (error) {
    const command = argv.slice(2).find((arg) => !arg.startsWith('-'));
    process.exitCode = reportError(error, command);
    // Whatever a failed command left open (a socket, a timer) must not keep the process from exiting.
    setTimeout(() => process.exit(), 3000).unref();
  }
}

async function run(argv: string[]): Promise<void> {
  await (await buildProgram()).parseAsync(argv);
}

/** Every command with its options and help texts, nothing run yet (the commands load what they need when run). */
export async function buildProgram(): Promise<Command> {
  const program = useChineseHelp(new Command())
    .name('intake')
    .description('山西省直播电商基地综合评价 材料收取（省厅工作人员用命令行工具）')
    // Commander's errors come back as exceptions, printed by main() in one Chinese line (subcommands inherit this).
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  program
    .command('start')
    .description('启动本机运行环境：内置的 DynamoDB/S3/SES 替代、SMTP 收件服务、网页（状态页）')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--http-port <port>', '网页端口', toPort, 8787)
    .option('--smtp-port <port>', 'SMTP 收件端口', toPort, 2525)
    .option('--host <host>', '监听地址', '127.0.0.1')
    .action(async (options) => {
      const { startLocalStack } = await load.start();
      await startLocalStack(options);
    });

  program
    .command('ingest')
    .description('收取 .eml 邮件文件，如同邮箱收到一样')
    .argument('<files...>', '.eml 邮件文件')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (files: string[], options) => {
      const [{ createLocalContext }, { ingestMessage }] = await Promise.all([load.local(), load.intake()]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      // Submissions an earlier run left unfinished are read again from their raw copy first (resume.ts).
      const { resumeUnfinished, RESUME_AFTER_MS } = await import('../shared/use-cases/resume.ts');
      let resumed: Awaited<ReturnType<typeof resumeUnfinished>>;
      try {
        resumed = await resumeUnfinished(local.ctx, { olderThanMs: local.owner ? undefined : RESUME_AFTER_MS });
      } catch (error) {
        await local.close();
        throw error;
      }
      if (!options.json) {
        for (const r of resumed.resumed)
          console.log(`续收中断的报送 ${r.submissionId} -> ${baseName(local, r.baseId)}`);
        for (const f of resumed.failed) console.error(`未能续收 ${f.submissionId}：${f.message}`);
      }
      // A progress line for batches typed at a terminal; pipes and --json get the plain output only.
      const progress =
        !options.json && process.stdout.isTTY
          ? (await import('./commands/progress.ts')).progressBar('收取', files.length)
          : null;
      try {
        const results = [];
        for (const [index, file] of files.entries()) {
          progress?.update(index, basename(file));
          const raw = await readFile(file);
          const { mtime } = await stat(file);
          const result = await ingestMessage(local.ctx, {
            raw,
            channel: 'cli',
            receivedAt: mtime,
            receivedAtSource: 'file-time',
          });
          results.push({ file, ...result });
          if (!options.json) {
            const base = baseName(local, result.baseId);
            (progress?.log ?? console.log)(
              `${basename(file)}: ${result.duplicate ? '重复邮件' : '已收取'} -> ${base}（${result.findings.length}条提示）`,
            );
          }
        }
        if (options.json) {
          const again = resumed.resumed.map((r) => ({ file: null, resumed: true, ...r }));
          console.log(JSON.stringify([...results, ...again], null, 2));
        }
      } finally {
        progress?.finish();
        await local.close();
      }
    });

  program
    .command('status')
    .description('各基地的材料报送情况')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--as-of <iso>', '按此时刻的情况（ISO 8601，例如 2023-11-11T00:00:00+08:00）', toDate)
    .option('--city <city>', '只看这个地市：编号或名称（taiyuan、太原、太原市）')
    .option('--base <name>', '只看名称含此文字的基地')
    .option('--json', '以 JSON 输出')
    .action(async (options) => {
      const snapshots = await import('./commands/status-snapshot.ts');
      const query = { city: options.city as string | undefined, base: options.base as string | undefined };
      // Asked again with nothing changed, the answer is the kept one (see status-snapshot.ts); a past time never is.
      const kept = options.asOf ? undefined : await snapshots.readStatusSnapshot(options.dataDir, query);
      if (kept) {
        await printStatus(kept.report, kept.table, options.json);
        return;
      }
      const city = await resolveOptionalCity(options.city);
      const [{ createLocalContext }, { queryStatus }, { statusTable }, rounds, time] = await Promise.all([
        load.local(),
        load.query(),
        import('./commands/status-table.ts'),
        import('../shared/domain/rounds/index.ts'),
        load.time(),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      const computedAt = local.ctx.clock.now();
      let answer: { report: StatusReport; table: string[] };
      try {
        const report = await queryStatus(local.ctx, { asOf: options.asOf ?? computedAt, city, base: options.base });
        answer = { report, table: statusTable(local.ctx.round, report.bases) };
      } finally {
        await local.close();
      }
      await printStatus(answer.report, answer.table, options.json);
      if (options.asOf || !local.owner) return;
      const roundsDir = rounds.roundsDirectory();
      const roundDir = join(roundsDir, local.ctx.round.id);
      // A snapshot that cannot be written (a read-only folder) only means the next answer is computed again.
      await snapshots
        .writeStatusSnapshot(local.dataDir, {
          query,
          roundFiles: [roundsDir, roundDir, ...readdirSync(roundDir).map((name) => join(roundDir, name))],
          deadline: time.deadlineInstant(local.ctx.round),
          computedAt,
          ...answer,
        })
        .catch(() => undefined);
    });

  program
    .command('assign')
    .description('将一份来件（例如待分配邮件）分配给基地，并记住发件地址')
    .argument('<submission>', '来件编号（s-…）')
    .argument('<base>', '基地编号（p01…）或名称')
    .requiredOption('--reason <text>', '原因（记入操作记录）')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--no-remember-sender', '不记住该发件地址')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (submissionId: string, baseRef: string, options) => {
      const [{ createLocalContext }, staff, { listRegistry }, { cityPlaces, matchBase }] = await Promise.all([
        load.local(),
        load.staff(),
        import('../shared/use-cases/registry.ts'),
        import('../shared/domain/base-names.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        const registry = await listRegistry(local.ctx);
        let base = registry.find((b) => b.id === baseRef);
        if (!base) {
          const match = matchBase([baseRef], registry, cityPlaces(local.ctx.round.cities));
          if (match.kind !== 'matched') {
            throw new CliInputError(
              match.kind === 'ambiguous'
                ? `“${baseRef}”对应多个基地：${match.candidates.map((c) => `${c.base.name}（${c.base.id}）`).join('、')}`
                : `没有编号或名称为“${baseRef}”的基地`,
              `no single base matches "${baseRef}"; intake status --json lists the bases`,
            );
          }
          base = match.base;
        }
        const submission = await staff.assignSubmission(local.ctx, {
          submissionId,
          baseId: base.id,
          actor: options.actor,
          reason: options.reason,
          rememberSender: options.rememberSender,
        });
        console.log(
          options.json ? JSON.stringify(submission, null, 2) : `${submissionId} -> ${base.name}（${base.id}）`,
        );
      } finally {
        await local.close();
      }
    });

  program
    .command('register-base')
    .description('登记地市本年度新推荐的基地（不在附件4名单内）')
    .argument('<name>', '基地名称（按地市公函所写）')
    .requiredOption('--city <city>', 'city id or name, e.g. taiyuan or 太原')
    .requiredOption('--reason <text>', '原因（例如推荐它的地市公函）')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (name: string, options) => {
      const city = await resolveCity(options.city);
      const [{ createLocalContext }, staff] = await Promise.all([load.local(), load.staff()]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        const base = await staff.registerBase(local.ctx, {
          name,
          city,
          actor: options.actor,
          reason: options.reason,
        });
        console.log(options.json ? JSON.stringify(base, null, 2) : `已登记 ${base.name}（${base.id}，${base.city}）`);
      } finally {
        await local.close();
      }
    });

  program
    .command('reprocess')
    .description('重新读取已存的来件（读取程序更新后）；记录不会重复')
    .argument('<submissions...>', '来件编号')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (ids: string[], options) => {
      const [{ createLocalContext }, staff] = await Promise.all([load.local(), load.staff()]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        const results = [];
        const { BlobNotFoundError } = await import('../shared/ports/index.ts');
        const { IntakeError } = await import('../shared/domain/errors.ts');
        for (const submissionId of ids) {
          try {
            results.push(
              await staff.reprocessSubmission(local.ctx, { submissionId, actor: options.actor, reason: 'reprocess' }),
            );
          } catch (error) {
            // The raw message is what a reprocess reads: without it there is nothing to read again.
            if (!(error instanceof BlobNotFoundError)) throw error;
            throw new IntakeError(
              'store.raw-missing',
              'failure',
              `the raw message ${error.key} of ${submissionId} is gone from the store; run intake doctor`,
              `报送 ${submissionId} 的原始邮件（${error.key}）已不在存储中，无法重新读取；运行 intake doctor 检查并标注`,
              { cause: error },
            );
          }
        }
        console.log(
          options.json
            ? JSON.stringify(results, null, 2)
            : results.map((r) => `${r.submissionId} -> ${r.baseId ?? '待分配'}`).join('\n'),
        );
      } finally {
        await local.close();
      }
    });

  program
    .command('upload')
    .description('替基地提交文件，与网上上传相同')
    .argument('<files...>', '文件')
    .requiredOption('--base <name>', '基地名称')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (files: string[], options) => {
      const [{ createLocalContext }, { ingestUpload }] = await Promise.all([load.local(), load.upload()]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        const result = await ingestUpload(local.ctx, {
          baseName: options.base,
          files: await Promise.all(
            files.map(async (file) => ({ fileName: basename(file), content: await readFile(file) })),
          ),
        });
        console.log(
          options.json ? JSON.stringify(result, null, 2) : `${result.submissionId} -> ${result.baseId ?? '待分配'}`,
        );
      } finally {
        await local.close();
      }
    });

  program
    .command('pickup')
    .description('从 IMAP 邮箱（例如 163.com 邮箱）收取一次新邮件；设置取自 INTAKE_IMAP_* 环境变量')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (options) => {
      const [{ createLocalContext }, { ImapMailboxPoller }, { imapConfigFromEnv }, { ingestMessage }] =
        await Promise.all([load.local(), load.imap(), import('./config.ts'), load.intake()]);
      const config = imapConfigFromEnv();
      if (!config) {
        throw new CliInputError(
          '未设置邮箱：请设置 INTAKE_IMAP_HOST、INTAKE_IMAP_USER 和 INTAKE_IMAP_PASS',
          'set INTAKE_IMAP_HOST, INTAKE_IMAP_USER and INTAKE_IMAP_PASS',
        );
      }
      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        const report = await new ImapMailboxPoller(config, {
          ctx: local.ctx,
          ingest: (input) => ingestMessage(local.ctx, input),
        }).pollOnce();
        console.log(
          options.json
            ? JSON.stringify(report, null, 2)
            : `取回${report.fetched}封，新收${report.ingested}封，重复${report.duplicates}封，失败${report.failed.length}封`,
        );
      } finally {
        await local.close();
      }
    });

  const { registerStaffCommands } = await import('./commands/staff.ts');
  registerStaffCommands(program);
  (await import('./commands/classify.ts')).registerClassifyCommands(program);
  (await import('./commands/template.ts')).registerTemplateCommand(program);
  const { registerNoticeCommands } = await import('./commands/notices.ts');
  registerNoticeCommands(program);
  (await import('./commands/export.ts')).registerExportCommand(program);
  (await import('./commands/bundle.ts')).registerBundleCommand(program);
  (await import('./commands/access.ts')).registerAccessCommands(program);
  (await import('./commands/upload-link.ts')).registerUploadLinkCommand(program);
  (await import('./commands/receipt.ts')).registerReceiptCommand(program);
  (await import('./commands/review.ts')).registerReviewCommands(program);
  (await import('./commands/doctor.ts')).registerDoctorCommand(program);
  return program;
}

/** A base's name for a line of output, or 待分配 (unmatched). */
function baseName(local: { ctx: { round: { bases: { id: string; name: string }[] } } }, baseId: string | null): string {
  return baseId ? (local.ctx.round.bases.find((b) => b.id === baseId)?.name ?? baseId) : '待分配';
}
