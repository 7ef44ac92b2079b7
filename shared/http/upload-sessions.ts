/**
 * The upload portal's session routes (public, like `POST /api/uploads`): open a session and get one presigned POST
 * per file, send the files straight to storage, then complete the session to make it a submission. See
 * ../use-cases/upload-sessions.ts for the flow and its idempotency.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppContext } from '../use-cases/context.ts';
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
import { ErrorSchema } from './schemas.ts';

/** Path prefix of the session routes (public: the auth middleware lets them through). */
export const UPLOAD_SESSIONS_PATH = '/api/uploads/sessions';

/** What the session routes need. */
export interface UploadSessionRoutesOptions {
  ctx: AppContext;
  limits: UploadPortalLimits;
  /** inline: the completion ingests (local); queued: the inbox's S3 event does (AWS, after the malware scan). */
  ingest: UploadIngestMode;
}

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
  const { ctx, limits, ingest } = options;

  app.openapi(
    createRoute({
      method: 'post',
      path: UPLOAD_SESSIONS_PATH,
      tags: ['uploads'],
      summary: '网上提交大文件：登记文件并取得直传表单（基地使用，无需登录）',
      description: `每个文件一个预签名 POST 表单，大小须与登记一致。上限：${limits.maxFiles}个文件，单个${limits.maxFileBytes}字节，合计${limits.maxTotalBytes}字节。`,
      request: {
        body: { content: { 'application/json': { schema: uploadSessionRequestSchema(limits) } }, required: true },
      },
      responses: {
        201: json(UploadSessionSchema, '已登记，按表单逐个上传文件'),
        400: json(ErrorSchema, '请求无效或超过上限'),
        501: json(ErrorSchema, '此环境不支持直传'),
      },
    }),
    async (c) => {
      const request = c.req.valid('json');
      try {
        const { session, forms } = await openUploadSession(ctx, request, limits);
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
        if (error instanceof UploadPortalUnavailableError) return c.json({ error: error.message }, 501);
        throw error;
      }
    },
  );

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
        return c.json({ sessionId, ...done.completion, repeated: done.repeated }, done.repeated ? 200 : 201);
      } catch (error) {
        if (error instanceof UnknownUploadSessionError) return c.json({ error: error.message }, 404);
        if (error instanceof UploadIncompleteError) {
          return c.json({ error: error.message, problems: error.problems }, 409);
        }
        if (error instanceof UploadScanPendingError) {
          c.header('Retry-After', String(SCAN_RETRY_AFTER_SECONDS));
          const scanPending = error.files.map(({ n, fileName }) => ({ n, fileName }));
          return c.json({ error: error.message, scanPending, retryAfterSeconds: SCAN_RETRY_AFTER_SECONDS }, 409);
        }
        if (error instanceof UploadScanRefusedError) {
          // The MalwareFound alarm has GuardDuty's own event; this line ties it to the session and its base.
          console.warn(
            JSON.stringify({ message: 'upload session refused by the malware scan', sessionId, ...error.refusal }),
          );
          return c.json({ error: error.message, refused: error.refusal.files }, 422);
        }
        if (error instanceof UploadPortalUnavailableError) return c.json({ error: error.message }, 501);
        throw error;
      }
    },
  );
}
