/**
 * The upload portal's session routes (public, like `POST /api/uploads`): open a session and get one presigned POST
 * per file, send the files straight to storage, then complete the session to make it a submission. See
 * ../use-cases/upload-sessions.ts for the flow and its idempotency.
 *
 * A session opened with a base's upload link (`?link=<token>`, ../access/upload-links.ts) gets the portal's full
 * limits and is vouched for; one opened without is held to the open form's tight limits, a throttle per address and
 * the day's cap on bytes without a link (../use-cases/upload-quota.ts, ./upload-throttle.ts).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { TokenSigner } from '../access/signing.ts';
import { readUploadLink, signUploadLink } from '../access/upload-links.ts';
import type { AppContext } from '../use-cases/context.ts';
import { listRegistry } from '../use-cases/registry.ts';
import {
  type OpenFormLimits,
  OpenFormQuotaError,
  openFormPortalLimits,
  reserveOpenFormBytes,
} from '../use-cases/upload-quota.ts';
import { type UploadReceipt, uploadReceipt } from '../use-cases/upload-receipts.ts';
import {
  completeUploadSession,
  openUploadSession,
  UnknownUploadSessionError,
  UploadIncompleteError,
  type UploadIngestMode,
  type UploadPortalLimits,
  UploadPortalUnavailableError,
  UploadScanPendingError,
  UploadScanRefusedError,
  uploadSessionRequestSchema,
} from '../use-cases/upload-sessions.ts';
import type { HttpEnv } from './auth.ts';
import { STATUS_BY_CODE } from './error-status.ts';
import { ErrorSchema } from './schemas.ts';
import { clientAddress } from './sign-in.ts';
import type { UploadThrottle } from './upload-throttle.ts';

/** Path prefix of the session routes (public: the auth middleware lets them through). */
export const UPLOAD_SESSIONS_PATH = '/api/uploads/sessions';

/** What the session routes need. */
export interface UploadSessionRoutesOptions {
  ctx: AppContext;
  limits: UploadPortalLimits;
  /** inline: the completion ingests (local); queued: the inbox's S3 event does (AWS, after the malware scan). */
  ingest: UploadIngestMode;
  /** Limits of sessions opened without a base's link. */
  openForm: OpenFormLimits;
  /** Sessions per address (open form) and per base (links). */
  throttle: UploadThrottle;
  /** Checks upload links. */
  signer: TokenSigner;
}

/** The answer to a session refused for its link: it does not work (any more). */
export const INVALID_UPLOAD_LINK_MESSAGE =
  '上传链接无效或已过期，请向所在地市商务局重新索取本基地的上传链接，或使用公开上传页面 /upload。';

/** The ingest mode the environment asks for: UPLOAD_INGEST=queued (set by the stack) or inline (default). */
export function uploadIngestModeFromEnv(env: NodeJS.ProcessEnv = process.env): UploadIngestMode {
  return env.UPLOAD_INGEST === 'queued' ? 'queued' : 'inline';
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const PresignedPostSchema = z
  .object({
    url: z.string().meta({ description: '表单提交地址（POST multipart/form-data）' }),
    fields: z.record(z.string(), z.string()).meta({ description: '须原样放在 file 字段之前的表单字段' }),
  })
  .openapi('PresignedPost');

const UploadSessionSchema = z
  .object({
    sessionId: z.string(),
    formsExpireAt: z.string().meta({ description: '上传表单失效时间' }),
    completeUrl: z.string().meta({ description: '全部上传后调用（POST）' }),
    files: z.array(
      z.object({
        n: z.number().int(),
        fileName: z.string(),
        size: z.number().int(),
        contentType: z.string(),
        key: z.string(),
        upload: PresignedPostSchema,
      }),
    ),
  })
  .openapi('UploadSession');

const UploadCompletionSchema = z
  .object({
    sessionId: z.string(),
    submissionId: z.string(),
    rawKey: z.string(),
    receivedAt: z.string().meta({ description: '收取时间：最后一个文件上传完成的时间' }),
    completedAt: z.string(),
    ingest: z.enum(['inline', 'queued']).meta({ description: 'inline：已读取；queued：经病毒扫描后读取' }),
    repeated: z.boolean().meta({ description: '此前已完成（本次未做任何事）' }),
    receipt: z
      .object({
        number: z
          .string()
          .meta({ description: '回执编号（年度-序号，如 2023-0158），可电话报读', example: '2023-0158' }),
        status: z
          .object({
            title: z.string(),
            state: z.string().optional(),
            lines: z.array(z.string()).meta({ description: '仍缺的材料' }),
            pending: z.array(z.string()).optional().meta({ description: '已收到、待核实的证明材料' }),
            note: z.string().optional(),
            link: z.string().optional().meta({ description: '本基地专用页面' }),
          })
          .meta({ description: '本基地材料情况：仅当提交者为该基地已知联系人或使用本基地专用链接时列出仍缺材料' }),
      })
      .optional(),
  })
  .openapi('UploadCompletion');

const IncompleteSchema = z
  .object({
    error: z.string(),
    problems: z.array(
      z.object({
        n: z.number().int(),
        fileName: z.string(),
        problem: z.enum(['missing', 'size-mismatch']),
        expectedSize: z.number().int(),
        actualSize: z.number().int().nullable(),
      }),
    ),
  })
  .openapi('UploadIncomplete');

const ScanPendingSchema = z
  .object({
    error: z.string(),
    scanPending: z.array(z.object({ n: z.number().int(), fileName: z.string() })),
    retryAfterSeconds: z.number().int().meta({ description: '建议多少秒后再确认提交' }),
  })
  .openapi('UploadScanPending');

const ScanRefusedSchema = z
  .object({
    error: z.string(),
    refused: z.array(
      z.object({ n: z.number().int(), fileName: z.string(), verdict: z.enum(['infected', 'unscannable']) }),
    ),
  })
  .openapi('UploadScanRefused');

/** Seconds a caller is asked to wait for the malware scan (GuardDuty usually tags an object within a minute or two). */
export const SCAN_RETRY_AFTER_SECONDS = 30;

const SessionParam = z.object({
  sessionId: z
    .string()
    .meta({ param: { name: 'sessionId', in: 'path' }, example: 'u-0123456789abcdef0123456789abcdef' }),
});

/** Registers the session routes (before the API's auth middleware: they are public). */
export function registerUploadSessions(app: OpenAPIHono<HttpEnv>, options: UploadSessionRoutesOptions): void {
  const { ctx, limits, ingest, openForm, throttle, signer } = options;
  const openLimits = openFormPortalLimits(limits, openForm);
  const openSchema = uploadSessionRequestSchema(openLimits);

  app.openapi(
    createRoute({
      method: 'post',
      path: UPLOAD_SESSIONS_PATH,
      tags: ['uploads'],
      summary: '网上提交大文件：登记文件并取得直传表单（基地使用，无需登录）',
      description:
        `每个文件一个预签名 POST 表单，大小须与登记一致。使用基地专用上传链接（link）时上限：${limits.maxFiles}个文件，单个${limits.maxFileBytes}字节，合计${limits.maxTotalBytes}字节，基地以链接为准；` +
        `不使用链接时上限：${openLimits.maxFiles}个文件，合计${openLimits.maxTotalBytes}字节，每个地址每小时${openForm.sessionsPerAddressPerHour}次，全部未使用链接的提交每日合计${openForm.dailyBytes}字节。`,
      request: {
        query: z.object({
          link: z.string().max(4096).optional().meta({ description: '基地专用上传链接中的令牌（/upload/b/<令牌>）' }),
        }),
        body: { content: { 'application/json': { schema: uploadSessionRequestSchema(limits) } }, required: true },
      },
      responses: {
        201: json(UploadSessionSchema, '已登记，按表单逐个上传文件'),
        400: json(ErrorSchema, '请求无效或超过上限'),
        403: json(ErrorSchema, '上传链接无效或已过期'),
        429: json(ErrorSchema, '提交过于频繁，或今日未使用链接的提交已达上限（见 Retry-After）'),
        501: json(ErrorSchema, '此环境不支持直传'),
      },
    }),
    async (c) => {
      let request = c.req.valid('json');
      const { link } = c.req.valid('query');
      let sessionLimits = limits;
      let linkedBase: string | undefined;
      if (link !== undefined) {
        const read = readUploadLink(signer, ctx.round, link, ctx.clock.now());
        const base = read ? (await listRegistry(ctx)).find((b) => b.id === read.baseId) : undefined;
        if (!base) return c.json({ error: INVALID_UPLOAD_LINK_MESSAGE }, 403);
        const verdict = await throttle.link(base.id);
        if (!verdict.allowed) {
          c.header('Retry-After', String(verdict.retryAfterSeconds));
          return c.json({ error: verdict.message }, 429);
        }
        // The link says which base: whatever name was typed, the session is the link's base's.
        request = { ...request, base: base.name };
        linkedBase = base.id;
      } else {
        const tight = openSchema.safeParse(request);
        if (!tight.success) {
          const issues = tight.error.issues.map((i) => i.message).join('；');
          return c.json(
            { error: `请求无效：${issues}（未使用基地专用上传链接时的上限；可向所在地市商务局索取链接）` },
            400,
          );
        }
        const verdict = await throttle.openForm(clientAddress(c));
        if (!verdict.allowed) {
          c.header('Retry-After', String(verdict.retryAfterSeconds));
          return c.json({ error: verdict.message }, 429);
        }
        sessionLimits = openLimits;
      }
      try {
        if (!ctx.uploads) throw new UploadPortalUnavailableError();
        if (!linkedBase) {
          const bytes = request.files.reduce((sum, f) => sum + f.size, 0);
          await reserveOpenFormBytes(ctx, 'session', bytes, openForm);
        }
        const { session, forms } = await openUploadSession(ctx, request, sessionLimits, {
          ...(linkedBase ? { linkedBase } : {}),
        });
        return c.json(
          {
            sessionId: session.id,
            formsExpireAt: session.formsExpireAt,
            completeUrl: `${UPLOAD_SESSIONS_PATH}/${session.id}/complete`,
            files: session.files.map((file, index) => ({
              ...file,
              upload: forms[index] ?? { url: '', fields: {} },
            })),
          },
          201,
        );
      } catch (error) {
        if (error instanceof OpenFormQuotaError) {
          c.header('Retry-After', String(error.retryAfterSeconds));
          return c.json({ error: error.message }, STATUS_BY_CODE['upload.quota-reached']);
        }
        if (error instanceof UploadPortalUnavailableError) {
          return c.json({ error: error.message }, STATUS_BY_CODE['upload.unavailable']);
        }
        throw error;
      }
    },
  );

  /** The receipt (number and what the base lacks); the submission stands without it should it fail. */
  async function receiptOf(
    sessionId: string,
    completion: Parameters<typeof uploadReceipt>[2],
  ): Promise<UploadReceipt | null> {
    const ownPage = (baseId: string) => signUploadLink(signer, ctx.round, baseId, ctx.clock.now()).path;
    try {
      return await uploadReceipt(ctx, sessionId, completion, ownPage);
    } catch (error) {
      console.warn(JSON.stringify({ message: 'upload receipt failed', sessionId, error: String(error) }));
      return null;
    }
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: `${UPLOAD_SESSIONS_PATH}/{sessionId}/complete`,
      tags: ['uploads'],
      summary: '网上提交大文件：全部上传后确认提交',
      description: '核对每个文件均已上传且大小一致，然后作为一份提交收取。重复调用返回同一提交。',
      request: { params: SessionParam },
      responses: {
        200: json(UploadCompletionSchema, '此前已提交，返回同一结果'),
        201: json(UploadCompletionSchema, '已提交'),
        404: json(ErrorSchema, '会话不存在或已过期'),
        409: json(
          z.union([IncompleteSchema, ScanPendingSchema]),
          '有文件未上传或大小不符；或文件安全检查尚未完成（稍后重试）',
        ),
        422: json(ScanRefusedSchema, '文件未通过安全检查（发现恶意软件或无法检查），本次提交已拒收'),
        501: json(ErrorSchema, '此环境不支持直传'),
      },
    }),
    async (c) => {
      const { sessionId } = c.req.valid('param');
      try {
        const done = await completeUploadSession(ctx, sessionId, ingest);
        const receipt = await receiptOf(sessionId, done.completion);
        return c.json(
          { sessionId, ...done.completion, repeated: done.repeated, ...(receipt ? { receipt } : {}) },
          done.repeated ? 200 : 201,
        );
      } catch (error) {
        if (error instanceof UnknownUploadSessionError) {
          return c.json({ error: error.message }, STATUS_BY_CODE['upload.session-unknown']);
        }
        if (error instanceof UploadIncompleteError) {
          return c.json({ error: error.message, problems: error.problems }, STATUS_BY_CODE['upload.incomplete']);
        }
        if (error instanceof UploadScanPendingError) {
          c.header('Retry-After', String(SCAN_RETRY_AFTER_SECONDS));
          const scanPending = error.files.map(({ n, fileName }) => ({ n, fileName }));
          return c.json(
            { error: error.message, scanPending, retryAfterSeconds: SCAN_RETRY_AFTER_SECONDS },
            STATUS_BY_CODE['upload.scan-pending'],
          );
        }
        if (error instanceof UploadScanRefusedError) {
          // The MalwareFound alarm has GuardDuty's own event; this line ties it to the session and its base.
          console.warn(
            JSON.stringify({ message: 'upload session refused by the malware scan', sessionId, ...error.refusal }),
          );
          return c.json({ error: error.message, refused: error.refusal.files }, STATUS_BY_CODE['upload.scan-refused']);
        }
        if (error instanceof UploadPortalUnavailableError) {
          return c.json({ error: error.message }, STATUS_BY_CODE['upload.unavailable']);
        }
        throw error;
      }
    },
  );
}
