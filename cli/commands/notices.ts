/**
 * Notice commands: `intake notices` (preview, send what is due, or send one city now; shows failures) and
 * `intake clear-address` (staff clear an address the transport reported failing).
 */
import type { Command } from 'commander';
import { resolveCity, toDate } from '../args.ts';

const ACTOR = process.env.INTAKE_ACTOR ?? process.env.USER ?? 'staff';
const DEFAULT_DATA_DIR = '.intake';

const STATE_WORDS: Record<string, string> = {
  claimed: '发送中断（租约到期后重试）',
  sending: '发送结果未知（不会自动重发）',
  failed: '发送失败',
};

/** Adds the notice commands to the program. */
export function registerNoticeCommands(program: Command): void {
  program
    .command('notices')
    .description('生成各市商务局的情况通报，发送到期（按日程或情况有变）的；--dry-run 只预览')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--as-of <iso>', '按此时刻生成通知（ISO 8601）', toDate)
    .option('--city <city>', '只看这个地市：编号或名称（taiyuan、太原）')
    .option('--force', '即使日程未到、情况未变也立即发送')
    .option('--dry-run', '只生成和判断，不发送')
    .option('--json', '以 JSON 输出')
    .action(async (options) => {
      if (options.city) options.city = await resolveCity(options.city);
      const [{ createLocalContext }, { sendCityNotices, listNoticeFailures }, { chineseTime }] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/notify.ts'),
        import('../../shared/domain/chinese-time.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      // Retry times are stored as UTC instants; a clerk reads them in Beijing time.
      const beijing = (iso: string) => chineseTime(iso, local.ctx.round, { seconds: false });
      try {
        const notices = await sendCityNotices(local.ctx, {
          asOf: options.asOf,
          dryRun: Boolean(options.dryRun),
          force: Boolean(options.force),
          city: options.city,
        });
        if (options.json) {
          console.log(JSON.stringify(notices, null, 2));
          return;
        }
        for (const notice of notices) {
          const what = notice.sent
            ? '已发送'
            : notice.error
              ? `发送失败：${notice.error}${notice.nextAttemptAt ? `（${beijing(notice.nextAttemptAt)}后重试）` : ''}`
              : `未发送（${notice.skipped}${notice.due ? `，${notice.trigger}${notice.slot ? ` ${notice.slot}` : ''}` : ''}）`;
          console.log(`== ${notice.subject} -> ${notice.to.join(', ') || '（无可用地址）'}  ${what}`);
          for (const f of notice.findings) console.log(`   ! ${f.message}`);
          if (options.dryRun || notice.sent || options.city) console.log(`${notice.text}\n`);
        }
        const failures = (await listNoticeFailures(local.ctx)).filter(
          (f) => !options.city || f.key.startsWith(`digest:${options.city}:`),
        );
        if (failures.length > 0) {
          console.log(`\n未完成的通知（${failures.length}）：`);
          for (const f of failures) {
            const next = f.nextAttemptAt
              ? `，下次尝试${beijing(f.nextAttemptAt)}`
              : f.state === 'failed'
                ? '，已停止重试'
                : '';
            console.log(
              `  [${STATE_WORDS[f.state] ?? f.state}] ${f.kind === 'ack' ? '确认回执' : '城市通知'} ${f.key} -> ${f.to.join(', ')}；已尝试${f.attempts}次${next}${f.error ? `；${f.error}` : ''}`,
            );
          }
        }
      } finally {
        await local.close();
      }
    });

  program
    .command('clear-address')
    .description('解除因退信或投诉而停发的地址，恢复向其发送通知')
    .argument('<address>', '电子邮件地址')
    .requiredOption('--reason <text>', '原因（记入操作记录）')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (address: string, options) => {
      const [{ createLocalContext }, { clearMailFeedback }] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/mail-feedback.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        const status = await clearMailFeedback(local.ctx, { address, actor: options.actor, reason: options.reason });
        console.log(options.json ? JSON.stringify(status, null, 2) : `${status.address}：已恢复发送`);
      } finally {
        await local.close();
      }
    });
}
