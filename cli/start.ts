/**
 * `intake start`: the whole pipeline on one machine — embedded stand-ins, the SMTP mailbox, the HTTP app.
 */
import { serve } from '@hono/node-server';
import { secretBytes, TokenSigner } from '../shared/access/signing.ts';
import { offerUploadLinks } from '../shared/access/upload-links.ts';
import { ImapMailboxPoller } from '../shared/adapters/imap/imap-mailbox-poller.ts';
import { startSmtpListener } from '../shared/adapters/local/smtp-listener.ts';
import { createLocalContext, removeStackFile, writeStackFile } from '../shared/composition/local.ts';
import { createHttpApp } from '../shared/http/app.ts';
import { ingestMessage } from '../shared/use-cases/intake.ts';
import { type ResumeReport, resumeUnfinished } from '../shared/use-cases/resume.ts';
import { localAuth } from './commands/local-auth.ts';
import { imapConfigFromEnv, imapIntervalSeconds } from './config.ts';

/** Options of the local stack. */
export interface StartOptions {
  dataDir: string;
  httpPort: number;
  smtpPort: number;
  host: string;
}

/** A running local stack. */
export interface RunningStack {
  httpUrl: string;
  smtpPort: number;
  /** Submissions an earlier run left unfinished, read again from their raw copy once the stack is up. */
  resumed: Promise<ResumeReport>;
  stop(): Promise<void>;
}

/** Starts the local stack and prints where to look; stops cleanly on SIGINT/SIGTERM. */
export async function startLocalStack(
  options: StartOptions,
  log: (line: string) => void = console.log,
): Promise<RunningStack> {
  const startedAt = new Date();
  const local = await createLocalContext({ dataDir: options.dataDir, own: true });
  const endpoints = await local.endpoints();
  await writeStackFile(local.dataDir, endpoints);
  const smtp = await startSmtpListener(local.ctx, {
    host: options.host,
    port: options.smtpPort,
    onIngested: (result) =>
      log(`收到邮件 ${result.submissionId}${result.duplicate ? '（重复）' : ''} -> ${result.baseId ?? '待分配'}`),
  });
  const imapConfig = imapConfigFromEnv();
  const poller = imapConfig
    ? new ImapMailboxPoller(imapConfig, {
        ctx: local.ctx,
        ingest: (input) => ingestMessage(local.ctx, input),
        onReport: (report) => report.fetched > 0 && log(`IMAP 取回 ${report.fetched} 封，新收 ${report.ingested} 封`),
        onError: (error) => log(`IMAP 收取失败 (will retry): ${(error as Error).message}`),
      })
    : null;
  poller?.startPolling(imapIntervalSeconds() * 1000);
  const auth = await localAuth(local.dataDir);
  const app = createHttpApp(local.ctx, { secret: auth.secret, accounts: auth.accounts });
  const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const server = serve({ fetch: app.fetch, port: options.httpPort, hostname: options.host }, () => resolve(server));
  });
  const address = http.address();
  const httpPort = typeof address === 'object' && address ? address.port : options.httpPort;
  const httpUrl = `http://${options.host}:${httpPort}`;
  // Acknowledgements to a base's known addresses offer its own upload link, signed like `intake upload-link`.
  const linkSigner = new TokenSigner(secretBytes(auth.secret));
  offerUploadLinks(local.ctx, linkSigner, httpUrl);

  log(`本地材料收取系统已启动 (local intake stack is up)
  数据目录 data dir:   ${local.dataDir}
  状态页 dashboard:    ${httpUrl}/
  登录 sign in:        ${auth.generated ? `${auth.generated.name} / ${auth.generated.password}  (set INTAKE_USERS="name:password:staff|bureau[:city]" for your own accounts)` : `${auth.accounts.length} account(s) from INTAKE_USERS`}
  上传 upload (bases): ${httpUrl}/upload  (no account)
  JSON API:            ${httpUrl}/api/status  (OpenAPI: ${httpUrl}/api/openapi.json)
  SMTP 收件 mailbox:   smtp://${options.host}:${smtp.port}  (any recipient)
  IMAP 收取 pickup:    ${imapConfig ? `${imapConfig.user}@${imapConfig.host} every ${imapIntervalSeconds()} s` : 'off (set INTAKE_IMAP_HOST/USER/PASS to fetch from a mailbox)'}
  DynamoDB / S3 / SES: ${endpoints.dynamodb} ${endpoints.s3} ${endpoints.ses}
试一试 (try):
  npx intake ingest events/samples/*.eml
  swaks --server ${options.host}:${smtp.port} --to ${local.ctx.round.mailbox} --data events/samples/02-龙巅兴趣直播基地-仅报告表.eml
  npx intake status
Ctrl+C 停止 (stop).`);

  // An ingest interrupted in an earlier run (a crash, a store failure) left its submission `received`: nothing else
  // retries it locally, so the stack does once it is up (this process alone serves the data directory).
  const resumed = resumeUnfinished(local.ctx, {
    recordedBefore: startedAt,
    onResumed: (result) => log(`续收中断的报送 ${result.submissionId} -> ${result.baseId ?? '待分配'}`),
  }).then(
    (report) => {
      for (const failure of report.failed) log(`未能续收 ${failure.submissionId}：${failure.message}`);
      return report;
    },
    (error: unknown): ResumeReport => {
      log(`续收中断的报送失败：${(error as Error).message}`);
      return { resumed: [], failed: [] };
    },
  );

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await resumed;
    await poller?.stop();
    await smtp.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await removeStackFile(local.dataDir);
    await local.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  return { httpUrl, smtpPort: smtp.port, resumed, stop };
}
