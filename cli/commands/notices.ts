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
    .description('build the digest of each city bureau and send those due (schedule or change); --dry-run previews')
    .option('--data-dir <dir>', 'data directory', DEFAULT_DATA_DIR)
    .option('--as-of <iso>', 'notices as of this moment (ISO 8601)', toDate)
    .option('--city <city>', 'only this city: id or name (taiyuan, 太原)')
    .option('--force', 'send now even when neither the schedule nor a change calls for it')
    .option('--dry-run', 'build and decide without sending')
    .option('--json', 'print JSON')
    .action(async (options) => {
      if (options.city) options.city = await resolveCity(options.city);
      const [{ createLocalContext }, { sendCityNotices, listNoticeFailures }] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/notify.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir });
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
              ? `发送失败：${notice.error}${notice.nextAttemptAt ? `（${notice.nextAttemptAt}后重试）` : ''}`
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
            const next = f.nextAttemptAt ? `，下次尝试${f.nextAttemptAt}` : f.state === 'failed' ? '，已停止重试' : '';
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
    .description('clear an address marked failing by a bounce or complaint, so notices go to it again')
    .argument('<address>', 'e-mail address')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .option('--actor <name>', 'who (default: $INTAKE_ACTOR or $USER)', ACTOR)
    .option('--data-dir <dir>', 'data directory', DEFAULT_DATA_DIR)
    .option('--json', 'print JSON')
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
