/**
 * The HTTP app: the staff and bureau dashboard (Chinese, server-rendered), the JSON API with its OpenAPI document,
 * signed download and city links, and the upload portal. The same app runs locally (`intake start`) and in AWS
 * behind API Gateway (functions/api); only where identity comes from differs (see ./auth.ts).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import { type LocalAccount, parseAccounts } from '../access/accounts.ts';
import { SessionBook } from '../access/sessions.ts';
import { newSecret, secretBytes, TokenSigner } from '../access/signing.ts';
import type { AppContext } from '../use-cases/context.ts';
import { ingestUpload, queueUpload } from '../use-cases/upload.ts';
import {
  type OpenFormLimits,
  OpenFormQuotaError,
  openFormLimitsFromEnv,
  reserveOpenFormBytes,
} from '../use-cases/upload-quota.ts';
import {
  type UploadIngestMode,
  type UploadPortalLimits,
  uploadPortalLimitsFromEnv,
} from '../use-cases/upload-sessions.ts';
import { registerApi } from './api.ts';
import { AccessError, authenticate, type HttpEnv, requireStaff, requireUser } from './auth.ts';
import type { FileDownloads, HttpDeps } from './deps.ts';
import { httpStatusOf, STATUS_BY_CODE } from './error-status.ts';
import { registerFiles } from './files.ts';
import { registerForms } from './forms.ts';
import { page } from './html.ts';
import { registerLogPage } from './log-page.ts';
import { type OidcConfig, oidcConfigFromEnv, registerOidc } from './oidc.ts';
import { registerPages } from './pages.ts';
import { type BodyLimits, bodyLimits, clientErrorOf, defaultBodyLimits } from './request-guards.ts';
import { registerReviewPages } from './review-pages.ts';
import { ErrorSchema, IngestResultSchema } from './schemas.ts';
import { clientAddress, DEFAULT_SIGN_IN_LIMITS, SignInGuard, type SignInLimits } from './sign-in.ts';
import { registerUnclassified } from './unclassified-page.ts';
import { registerUploadLinkPage } from './upload-link-page.ts';
import { registerUploadPage } from './upload-page.ts';
import { registerUploadSessions, UPLOAD_SESSIONS_PATH, uploadIngestModeFromEnv } from './upload-sessions.ts';
import { UploadThrottle } from './upload-throttle.ts';
import { registerVocabularyPage } from './vocabulary-page.ts';

/** How the app authenticates and signs; every field has a default from the environment. */
export interface HttpAppOptions {
  /**
   * The secret that signs sessions and links (hex or text, ≥ 32 bytes). Default: `INTAKE_SESSION_SECRET`; without
   * one, a random secret for this process (sessions and links then end when it stops).
   */
  secret?: string;
  /**
   * The key bases' own upload links are signed with, apart from the session key so that the functions mailing the
   * links hold no key to staff sessions (AWS: its own secret). Default: the session key (locally, where the CLI's
   * `intake upload-link` signs with the data directory's one key).
   */
  uploadLinkSecret?: string;
  /** Local accounts. Default: parsed from `INTAKE_USERS` (`name:password:role[:city]`, comma-separated). */
  accounts?: readonly LocalAccount[];
  /** Wall time for tokens and cookies. Default: the system time. */
  wallClock?: () => Date;
  /** How long a download link lasts (seconds). Default: 300. */
  fileLinkSeconds?: number;
  /** Default lifetime of a per-city link (hours). Default: 72. */
  cityLinkHours?: number;
  /** How `/files/{token}` hands over the bytes. Default: `INTAKE_FILE_DOWNLOADS` (`redirect` in AWS), else `stream`. */
  fileDownloads?: FileDownloads;
  /** Cognito hosted-UI sign-in of the pages; null for none. Default: from `COGNITO_*` (see oidcConfigFromEnv). */
  oidc?: OidcConfig | null;
  /** Limits of the upload portal's sessions. Default: from `UPLOAD_MAX_*` (see uploadPortalLimitsFromEnv). */
  uploadLimits?: UploadPortalLimits;
  /** Who ingests a completed upload session. Default: `UPLOAD_INGEST` (`queued` in AWS), else `inline`. */
  uploadIngest?: UploadIngestMode;
  /** Limits of uploads without a base's link. Default: from `UPLOAD_OPEN_*` (see openFormLimitsFromEnv). */
  openFormLimits?: Partial<OpenFormLimits>;
  /** Request body caps by route. Default: defaultBodyLimits of the context's largest message. */
  bodyLimits?: Partial<BodyLimits>;
  /** Allowances of failed password sign-ins per account and address. Default: DEFAULT_SIGN_IN_LIMITS. */
  signInLimits?: Partial<SignInLimits>;
}

let warnedAboutSecret = false;

/** Builds the HTTP app on a context. */
export function createHttpApp(ctx: AppContext, options: HttpAppOptions = {}): OpenAPIHono<HttpEnv> {
  const secret = options.secret ?? process.env.INTAKE_SESSION_SECRET;
  if (!secret && !warnedAboutSecret) {
    warnedAboutSecret = true;
    console.warn(
      'INTAKE_SESSION_SECRET is not set: sessions and links are signed with a key that ends with this process',
    );
  }
  const signer = new TokenSigner(secretBytes(secret ?? newSecret()));
  const linkSigner = options.uploadLinkSecret ? new TokenSigner(secretBytes(options.uploadLinkSecret)) : signer;
  const accounts = options.accounts ?? parseAccounts(process.env.INTAKE_USERS);
  const deps: HttpDeps = {
    ctx,
    signer,
    accounts,
    wallClock: options.wallClock ?? (() => new Date()),
    fileLinkSeconds: options.fileLinkSeconds ?? 300,
    cityLinkHours: options.cityLinkHours ?? 72,
    fileDownloads: options.fileDownloads ?? (process.env.INTAKE_FILE_DOWNLOADS === 'redirect' ? 'redirect' : 'stream'),
    oidc: options.oidc === undefined ? oidcConfigFromEnv(process.env) : options.oidc,
    sessions: new SessionBook(ctx.records.sessions, signer, accounts),
    signInGuard: new SignInGuard({ ...DEFAULT_SIGN_IN_LIMITS, ...options.signInLimits }),
  };

  const app = new OpenAPIHono<HttpEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(
          { error: `请求无效：${result.error.issues.map((i) => i.message).join('；')}`, issues: result.error.issues },
          400,
        );
      }
    },
  });

  app.use(secureHeaders({ referrerPolicy: 'same-origin', xFrameOptions: 'DENY' }));
  const openForm: OpenFormLimits = { ...openFormLimitsFromEnv(process.env), ...options.openFormLimits };
  const uploadThrottle = new UploadThrottle(openForm);
  const defaultBodies = defaultBodyLimits(ctx.limits.maxMessageBytes);
  // The one-request upload is the open form's: its body is capped at the open form's total (plus the form's parts).
  defaultBodies.portalUpload = Math.min(defaultBodies.portalUpload, openForm.maxTotalBytes + 1024 * 1024);
  // Before any route reads a body: a body over its route's cap is refused (413) before it is buffered.
  app.use(bodyLimits({ ...defaultBodies, ...options.bodyLimits }));
  app.use(authenticate({ sessions: deps.sessions, now: deps.wallClock }));

  app.get('/health', (c) => c.json({ ok: true, round: ctx.round.id }));

  // The upload portal is how a base without working mail submits: open to anyone, like the mailbox; what arrives
  // is recorded as a submission, which is its audit trail.
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/uploads',
    tags: ['uploads'],
    summary: '网上提交材料（基地使用，无需登录）',
    request: {
      body: {
        content: {
          'multipart/form-data': {
            schema: z.object({
              base: z.string().meta({ description: '基地名称' }),
              email: z.string().optional().meta({ description: '联系邮箱（可选）' }),
              files: z.array(z.string().meta({ format: 'binary' })),
            }),
          },
        },
      },
    },
    responses: {
      201: { description: '已接收', content: { 'application/json': { schema: IngestResultSchema } } },
      202: {
        description: '已保存，待安全检查后读取（AWS 部署）',
        content: {
          'application/json': {
            schema: z.object({
              rawKey: z.string(),
              submissionId: z.string(),
              receivedAt: z.string(),
              ingest: z.literal('queued'),
            }),
          },
        },
      },
      400: { description: '缺少基地名称或文件', content: { 'application/json': { schema: ErrorSchema } } },
      413: { description: '文件过大或过多', content: { 'application/json': { schema: ErrorSchema } } },
      429: {
        description: '提交过于频繁，或今日未使用链接的提交已达上限（见 Retry-After）',
        content: { 'application/json': { schema: ErrorSchema } },
      },
    },
  });
  const uploadIngest = options.uploadIngest ?? uploadIngestModeFromEnv(process.env);
  app.post('/api/uploads', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const baseName = typeof form.base === 'string' ? form.base.trim() : '';
    const raw = form.files;
    const files = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter((f): f is File => f instanceof File);
    if (!baseName || files.length === 0) {
      return c.json({ error: '请填写基地名称并选择文件 (base and files are required)' }, 400);
    }
    const total = files.reduce((sum, f) => sum + f.size, 0);
    // The open form's limits: this route takes no upload link (see ../use-cases/upload-quota.ts).
    const maxTotal = Math.min(ctx.limits.maxMessageBytes, openForm.maxTotalBytes);
    if (total > maxTotal || files.length > openForm.maxFiles) {
      return c.json(
        {
          error: `一次最多上传${openForm.maxFiles}个文件、合计不超过${Math.round(maxTotal / 1024 / 1024)}MB，请分批上传，或向所在地市商务局索取本基地的专用上传链接`,
        },
        413,
      );
    }
    const verdict = await uploadThrottle.openForm(clientAddress(c));
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      return c.json({ error: verdict.message }, 429);
    }
    try {
      await reserveOpenFormBytes(ctx, 'direct', total, openForm);
    } catch (error) {
      if (!(error instanceof OpenFormQuotaError)) throw error;
      c.header('Retry-After', String(error.retryAfterSeconds));
      return c.json({ error: error.message }, STATUS_BY_CODE['upload.quota-reached']);
    }
    const upload = {
      baseName,
      uploader: typeof form.email === 'string' && form.email.includes('@') ? form.email : undefined,
      files: await Promise.all(
        files.map(async (f) => ({
          fileName: f.name,
          contentType: f.type,
          content: Buffer.from(await f.arrayBuffer()),
        })),
      ),
    };
    // Queued (AWS): through the inbox like mail, so the malware scan sees it before anything opens it.
    if (uploadIngest === 'queued') return c.json({ ...(await queueUpload(ctx, upload)), ingest: 'queued' }, 202);
    return c.json(await ingestUpload(ctx, upload), 201);
  });
  const uploadLimits = options.uploadLimits ?? uploadPortalLimitsFromEnv(process.env);
  registerUploadSessions(app, {
    ctx,
    limits: uploadLimits,
    ingest: uploadIngest,
    openForm,
    throttle: uploadThrottle,
    signer: linkSigner,
  });
  registerUploadPage(app, { ctx, limits: uploadLimits, openForm, signer: linkSigner });

  // Who may call what is decided before a request body is even validated, so a stranger learns nothing from
  // the answers; each route checks again (and the city) itself.
  app.use('/api/*', async (c, next) => {
    const isPublic = c.req.path === '/api/uploads' || c.req.path.startsWith(`${UPLOAD_SESSIONS_PATH}/`);
    if (c.req.path !== '/api/openapi.json' && !isPublic && c.req.path !== UPLOAD_SESSIONS_PATH) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') requireUser(c);
      else requireStaff(c);
    }
    await next();
  });
  registerApi(app, deps);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: `${ctx.round.title}：电子材料报送（接收）API`,
      version: '1',
      description:
        '省厅（staff）可查看全部并执行人工操作；市商务局（bureau）只能查看本市。其他地市的基地、提交、文件一律返回 403。',
    },
  });
  registerFiles(app, deps);
  if (deps.oidc) registerOidc(app, deps, deps.oidc);
  registerForms(app, deps);
  registerPages(app, deps);
  registerUnclassified(app, deps);
  registerVocabularyPage(app, deps);
  registerReviewPages(app, deps);
  registerUploadLinkPage(app, { ...deps, signer: linkSigner });
  registerLogPage(app, deps);

  app.notFound((c) =>
    isApi(c)
      ? c.json({ error: '没有该接口或对象' }, 404)
      : c.html(
          page(
            { round: ctx.round, title: '未找到', principal: c.get('principal') },
            html`<h1>页面不存在</h1><p><a href="/">返回总览</a></p>`,
          ),
          404,
        ),
  );

  app.onError((error, c) => {
    if (error instanceof AccessError) {
      if (error.status === 401 && !isApi(c) && c.req.method === 'GET') {
        return c.redirect(`/login?next=${encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''))}`, 302);
      }
      if (isApi(c) || c.req.method !== 'GET') return c.json({ error: error.message }, error.status);
      return c.html(
        page(
          { round: ctx.round, title: '无权访问', principal: c.get('principal') },
          html`<h1>无权访问</h1><p>${error.message}</p><p><a href="/">返回总览</a></p>`,
        ),
        error.status,
      );
    }
    // The request's own mistake (wrong content type, malformed JSON or form, too large): a 4xx, never a stack.
    const clientError = clientErrorOf(error);
    if (clientError) {
      if (isApi(c) || c.req.method !== 'GET') return c.json({ error: clientError.message }, clientError.status);
      return c.html(
        page(
          { round: ctx.round, title: '请求无效', principal: c.get('principal') },
          html`<h1>请求无效</h1><p>${clientError.message}</p><p><a href="/">返回总览</a></p>`,
        ),
        clientError.status,
      );
    }
    const status = httpStatusOf(error);
    if (status === 500) console.error(error);
    const message = status === 500 ? '服务器内部错误' : error.message;
    if (isApi(c) || c.req.method !== 'GET') return c.json({ error: message }, status);
    return c.html(
      page(
        { round: ctx.round, title: '出错了', principal: c.get('principal') },
        html`<h1>${status === 404 ? '不存在' : '出错了'}</h1><p>${message}</p><p><a href="/">返回总览</a></p>`,
      ),
      status,
    );
  });

  return app;
}

function isApi(c: Context<HttpEnv>): boolean {
  return c.req.path.startsWith('/api/');
}
