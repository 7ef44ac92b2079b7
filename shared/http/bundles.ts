/**
 * File packages as zip downloads (see ../use-cases/bundle.ts): a base's files, a city's bases, the whole round.
 * A bureau gets its own city's bases and its city only; the whole round is for staff.
 *
 * Where the app streams its answers (the local stack, `fileDownloads: 'stream'`) the zip is streamed to the client
 * as it is written. Behind API Gateway (`redirect`, AWS) a Lambda response stops at ~6 MB, so a package larger than
 * LAMBDA_ZIP_BYTES is built in the background into the store (../use-cases/bundle-jobs.ts, the bundle-build
 * function) and handed over as a presigned link: the zip route answers 202 with the job (a browser: 303 to its
 * page), `GET /api/bundles/{jobId}` says where it stands (and gives the link once ready), and `/bundles/{jobId}`
 * is a page that refreshes itself until the 下载 link is there. `/bundles/new?base=|city=|all=1` starts a package
 * from a page (outside /api, which in AWS takes a JWT rather than the pages' session).
 */
import { Readable } from 'node:stream';
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { type CityId, cityIdSchema } from '../domain/catalogue.ts';
import type { BundleJob } from '../ports/index.ts';
import { type BundlePlan, type BundleScope, planBundle, streamBundle } from '../use-cases/bundle.ts';
import { BUNDLE_LINK_SECONDS, bundleDownloadLink, getBundleJob, requestBundleJob } from '../use-cases/bundle-jobs.ts';
import { getBase } from '../use-cases/read-model.ts';
import { assertCity, type HttpEnv, type Principal, requireStaff, requireUser } from './auth.ts';
import { csrfToken, type HttpDeps } from './deps.ts';
import { contentDisposition } from './files.ts';
import { page, size, whenToSecond } from './html.ts';
import { ErrorSchema } from './schemas.ts';

const ZIP = 'application/zip';
/** What a Lambda response can carry behind API Gateway, with room for its encoding (the limit is ~6 MB). */
export const LAMBDA_ZIP_BYTES = 4 * 1024 * 1024;
/** Seconds between the reloads of a package's page while it is being built. */
export const BUNDLE_PAGE_REFRESH_SECONDS = 5;
const security: Record<string, string[]>[] = [{ session: [] }, { cognito: [] }];

/** A package job as the API shows it. */
const BundleJobSchema = z
  .object({
    id: z.string(),
    state: z.enum(['queued', 'building', 'ready', 'failed']).meta({
      description: 'queued 排队中，building 正在生成，ready 已生成（见 url），failed 未能生成（见 error）',
    }),
    fileName: z.string().meta({ description: '材料包文件名' }),
    scope: z.union([
      z.object({ base: z.string() }),
      z.object({ city: z.string() }),
      z.object({ all: z.literal(true) }),
    ]),
    plannedBytes: z.number().meta({ description: '申请时各文件大小之和（字节）' }),
    bytes: z.number().nullable().meta({ description: 'zip 大小（字节），生成后' }),
    entries: z.number().nullable().meta({ description: 'zip 中的条目数（含目录.xlsx），生成后' }),
    missing: z.number().nullable().meta({ description: '存储中找不到而未打包的文件数（目录.xlsx 中注明），生成后' }),
    error: z.string().nullable().meta({ description: '未能生成的原因' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    readyAt: z.string().nullable(),
    expiresAt: z.string().nullable().meta({ description: '此后不再提供下载，需重新申请' }),
    statusUrl: z.string().meta({ description: '查询进度的接口' }),
    pageUrl: z.string().meta({ description: '进度页面（自动刷新，生成后显示下载链接）' }),
    url: z.string().optional().meta({ description: '已生成时：下载链接（预签名，短时有效）' }),
    urlExpiresAt: z.string().optional(),
  })
  .openapi('BundleJob');
type BundleJobJson = z.infer<typeof BundleJobSchema>;

const zipAnswer = {
  200: { description: 'zip 文件（流式传输）', content: { [ZIP]: { schema: z.string().meta({ format: 'binary' }) } } },
  202: {
    description:
      '此部署（AWS）中材料包超过接口单次响应的上限：已在后台生成（或沿用内容相同的已生成材料包），' +
      '见 Location 与 statusUrl；浏览器请求（Accept: text/html）得到 303，转到进度页面',
    content: { 'application/json': { schema: BundleJobSchema } },
  },
  401: { description: '未登录', content: { 'application/json': { schema: ErrorSchema } } },
  403: {
    description: '无权访问（其他地市的基地或地市，或仅限省厅）',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  404: { description: '不存在', content: { 'application/json': { schema: ErrorSchema } } },
};
const layout =
  '每个基地一个文件夹：先是「00 经营服务情况报告表」「00 自评报告」，再按指标顺序「01 直播电商基地建筑面积/…」，' +
  '未能确定指标的在「待核实/」，其他文件在「其他/」；已撤回的不含，重复发送的只含一份；根目录有「目录.xlsx」。';

/** The path of a package job's page. */
export function bundlePagePath(jobId: string): string {
  return `/bundles/${jobId}`;
}

/** Registers the zip downloads, the package jobs' API and page, and their documentation. */
export function registerBundleRoutes(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const now = deps.wallClock;

  /** Starts (or finds) a package's job: 303 to its page for a browser, else 202 with the job. */
  const startJob = async (
    c: Context<HttpEnv>,
    principal: Principal,
    scope: BundleScope,
    answer: { plan?: BundlePlan; page?: boolean } = {},
  ) => {
    const { plan } = answer;
    const { job } = await requestBundleJob(ctx, { scope, actor: principal.name, ...(plan ? { plan } : {}) }, { now });
    c.header('Cache-Control', 'private, no-store');
    if (answer.page || wantsPage(c)) return c.redirect(bundlePagePath(job.id), 303);
    c.header('Location', `/api/bundles/${job.id}`);
    return c.json(await jobJson(job), 202);
  };

  const send = async (c: Context<HttpEnv>, principal: Principal, scope: BundleScope) => {
    const plan = await planBundle(ctx, scope);
    if (deps.fileDownloads === 'redirect' && plan.totalBytes > LAMBDA_ZIP_BYTES) {
      return startJob(c, principal, scope, { plan });
    }
    const { stream } = streamBundle(ctx, plan);
    return c.body(Readable.toWeb(stream) as ReadableStream<Uint8Array>, 200, {
      'Content-Type': ZIP,
      'Content-Disposition': contentDisposition(plan.fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
  };

  /** The job, if the principal may see it: a bureau its own city's, the whole round staff only. */
  const visibleJob = async (c: Context<HttpEnv>, jobId: string): Promise<BundleJob | null> => {
    const principal = requireUser(c);
    const job = await getBundleJob(ctx, jobId, { now });
    if (!job) return null;
    if (job.city === null) requireStaff(c);
    else assertCity(principal, job.city);
    return job;
  };

  const jobJson = async (job: BundleJob): Promise<BundleJobJson> => {
    const link = await bundleDownloadLink(ctx, job, contentDisposition(job.fileName), { now });
    return {
      id: job.id,
      state: job.state,
      fileName: job.fileName,
      scope: job.scope,
      plannedBytes: job.plannedBytes,
      bytes: job.bytes,
      entries: job.entries,
      missing: job.missing,
      error: job.error,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      readyAt: job.readyAt,
      expiresAt: job.expiresAt,
      statusUrl: `/api/bundles/${job.id}`,
      pageUrl: bundlePagePath(job.id),
      ...(link ? { url: link.url, urlExpiresAt: link.expiresAt } : {}),
    };
  };

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/bases/{baseId}/files.zip',
    tags: ['documents'],
    summary: '下载一个基地的全部文件（zip，按指标整理并重新命名）',
    description: layout,
    security,
    request: { params: z.object({ baseId: z.string().meta({ param: { name: 'baseId', in: 'path' } }) }) },
    responses: zipAnswer,
  });
  app.get('/api/bases/:baseId/files.zip', async (c) => {
    const principal = requireUser(c);
    const baseId = c.req.param('baseId');
    assertCity(principal, (await getBase(ctx, baseId)).city);
    return send(c, principal, { base: baseId });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/cities/{city}/files.zip',
    tags: ['documents'],
    summary: '下载一个地市各参评基地的材料包（专家评审用，zip）',
    description: `每个基地一个文件夹「<基地名称>/」。${layout}`,
    security,
    request: { params: z.object({ city: cityIdSchema.meta({ param: { name: 'city', in: 'path' } }) }) },
    responses: zipAnswer,
  });
  app.get('/api/cities/:city/files.zip', async (c) => {
    const principal = requireUser(c);
    const city = cityIdSchema.safeParse(c.req.param('city'));
    if (!city.success) return c.json({ error: `没有地市 ${c.req.param('city')}` }, 404);
    assertCity(principal, city.data);
    return send(c, principal, { city: city.data });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/files.zip',
    tags: ['documents'],
    summary: '下载全省各参评基地的材料包（专家评审用，zip；仅省厅）',
    description: `每个基地一个文件夹「<城市>/<基地名称>/」。${layout}`,
    security,
    responses: zipAnswer,
  });
  app.get('/api/files.zip', async (c) => {
    const principal = requireStaff(c);
    return send(c, principal, { all: true });
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/bundles/{jobId}',
    tags: ['documents'],
    summary: '查询后台生成的材料包（生成后给出短时有效的下载链接）',
    description:
      `材料包超过接口单次响应的上限时（AWS 部署）在后台生成。state 为 ready 时 url 为下载链接（${BUNDLE_LINK_SECONDS / 60} 分钟内有效，` +
      '过期后再次查询即得新链接）；failed 时 error 说明原因，重新请求 files.zip 即重新生成。地市商务局只能查看本市的材料包，全省材料包仅限省厅。',
    security,
    request: { params: z.object({ jobId: z.string().meta({ param: { name: 'jobId', in: 'path' } }) }) },
    responses: {
      200: { description: '材料包生成情况', content: { 'application/json': { schema: BundleJobSchema } } },
      401: zipAnswer[401],
      403: zipAnswer[403],
      404: zipAnswer[404],
    },
  });
  app.get('/api/bundles/:jobId', async (c) => {
    const job = await visibleJob(c, c.req.param('jobId'));
    if (!job) return c.json({ error: '没有这个材料包（或已过期），请重新下载' }, 404);
    c.header('Cache-Control', 'private, no-store');
    return c.json(await jobJson(job), 200);
  });

  // A page's way to ask for a package: outside /api, so the pages' own session carries it in AWS too.
  app.get('/bundles/new', async (c) => {
    const principal = requireUser(c);
    const scope = await scopeOfQuery(c, principal);
    if (!scope) return c.text('请指明基地（base）、地市（city）或全省（all=1）', 400);
    if (deps.fileDownloads === 'stream') return c.redirect(zipPath(scope), 303);
    return startJob(c, principal, scope, { page: true });
  });

  app.get('/bundles/:jobId', async (c) => {
    const principal = requireUser(c);
    const job = await visibleJob(c, c.req.param('jobId'));
    const frame = { round: ctx.round, principal, csrf: csrfToken(c, deps), nav: 'overview' as const };
    c.header('Cache-Control', 'private, no-store');
    if (!job) {
      return c.html(
        page(
          { ...frame, title: '材料包' },
          html`<h1>没有这个材料包</h1><p>链接有误，或材料包已过期。请回到基地或地市页面重新下载。</p><p><a href="/">返回总览</a></p>`,
        ),
        404,
      );
    }
    const link = await bundleDownloadLink(ctx, job, contentDisposition(job.fileName), { now });
    const waiting = job.state === 'queued' || job.state === 'building';
    if (waiting) c.header('Refresh', String(BUNDLE_PAGE_REFRESH_SECONDS));
    return c.html(page({ ...frame, title: `材料包：${job.fileName}` }, jobPage(job, link, frame.round)));
  });

  /** The package a page asks for, checked against who asks; null when the query names none. */
  async function scopeOfQuery(c: Context<HttpEnv>, principal: Principal): Promise<BundleScope | null> {
    const base = c.req.query('base');
    const city = c.req.query('city');
    if (base) {
      assertCity(principal, (await getBase(ctx, base)).city);
      return { base };
    }
    if (city) {
      const parsed = cityIdSchema.safeParse(city);
      if (!parsed.success) return null;
      assertCity(principal, parsed.data);
      return { city: parsed.data as CityId };
    }
    if (c.req.query('all') === '1') {
      requireStaff(c);
      return { all: true };
    }
    return null;
  }
}

/** The streamed zip's route of a scope. */
function zipPath(scope: BundleScope): string {
  if ('base' in scope) return `/api/bases/${encodeURIComponent(scope.base)}/files.zip`;
  if ('city' in scope) return `/api/cities/${scope.city}/files.zip`;
  return '/api/files.zip';
}

/** Where a failed package is asked for again from a page. */
function retryPath(job: BundleJob): string {
  const { scope } = job;
  if ('base' in scope) return `/bundles/new?base=${encodeURIComponent(scope.base)}`;
  if ('city' in scope) return `/bundles/new?city=${encodeURIComponent(scope.city)}`;
  return '/bundles/new?all=1';
}

/** Whether the request is a browser's navigation (HTML first), which gets the page rather than JSON. */
function wantsPage(c: Context<HttpEnv>): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('text/html') && !accept.startsWith('application/json');
}

/** The body of a package's page: waiting (refreshing itself), ready (the 下载 link) or failed (why). */
function jobPage(
  job: BundleJob,
  link: { url: string; expiresAt: string } | null,
  round: Parameters<typeof whenToSecond>[1],
) {
  const heading = html`<p class="small"><a href="/">总览</a> › 材料包</p>`;
  if (job.state === 'queued' || job.state === 'building') {
    return html`${heading}
<meta http-equiv="refresh" content="${BUNDLE_PAGE_REFRESH_SECONDS}">
<h1>材料包正在生成…</h1>
<p>「${job.fileName}」共约 ${size(job.plannedBytes)}，${job.state === 'queued' ? '正在排队，即将开始生成' : '正在打包'}。生成后本页会出现下载链接。</p>
<p class="small muted">本页每${BUNDLE_PAGE_REFRESH_SECONDS}秒自动刷新，可以离开本页，稍后再打开此地址查看；材料较多时需要几分钟。申请时间：${whenToSecond(job.createdAt, round)}。</p>
<p class="small"><a href="">立即刷新</a></p>`;
  }
  if (job.state === 'ready' && link) {
    return html`${heading}
<h1>材料包已生成</h1>
<p>「${job.fileName}」，${size(job.bytes ?? 0)}，共 ${Math.max(0, (job.entries ?? 1) - 1)} 个文件及「目录.xlsx」。</p>
${job.missing ? html`<p class="warn">有 ${job.missing} 个文件在存储中找不到，未能打包，已在「目录.xlsx」的备注栏注明。</p>` : ''}
<p><a class="button" id="bundle-download" href="${link.url}" download>下载</a></p>
<p class="small muted">下载链接${BUNDLE_LINK_SECONDS / 60}分钟内有效，过期后刷新本页即可得到新链接；材料包保留至 ${whenToSecond(job.expiresAt, round)}。</p>`;
  }
  return html`${heading}
<h1>材料包未能生成</h1>
<p>「${job.fileName}」：${job.error ?? '此部署不能提供下载链接。'}</p>
<p><a class="button" href="${retryPath(job)}">重新生成</a> <a href="/">返回总览</a></p>`;
}
