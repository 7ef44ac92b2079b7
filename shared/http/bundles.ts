/**
 * File packages as zip downloads (see ../use-cases/bundle.ts): a base's files, a city's bases, the whole round.
 * A bureau gets its own city's bases and its city only; the whole round is for staff. The zip is streamed to the
 * client as it is written.
 *
 * Served through the app, this suits the local stack and any host that streams responses. Behind API Gateway a
 * Lambda response is capped at ~6 MB, so there a package belongs in S3, built asynchronously and handed over as a
 * presigned link; that is not built yet, and until it is, where downloads are redirected (AWS) a package larger than
 * a Lambda response answers 501 saying so, instead of a response the gateway would cut off.
 */
import { Readable } from 'node:stream';
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cityIdSchema } from '../domain/catalogue.ts';
import { type BundleScope, planBundle, streamBundle } from '../use-cases/bundle.ts';
import { getBase } from '../use-cases/read-model.ts';
import { assertCity, type HttpEnv, requireStaff, requireUser } from './auth.ts';
import type { HttpDeps } from './deps.ts';
import { contentDisposition } from './files.ts';
import { ErrorSchema } from './schemas.ts';

const ZIP = 'application/zip';
/** What a Lambda response can carry behind API Gateway, with room for its encoding (the limit is ~6 MB). */
export const LAMBDA_ZIP_BYTES = 4 * 1024 * 1024;
const security: Record<string, string[]>[] = [{ session: [] }, { cognito: [] }];
const zipAnswer = {
  200: { description: 'zip 文件（流式传输）', content: { [ZIP]: { schema: z.string().meta({ format: 'binary' }) } } },
  401: { description: '未登录', content: { 'application/json': { schema: ErrorSchema } } },
  403: {
    description: '无权访问（其他地市的基地或地市，或仅限省厅）',
    content: { 'application/json': { schema: ErrorSchema } },
  },
  404: { description: '不存在', content: { 'application/json': { schema: ErrorSchema } } },
  501: {
    description: '此部署（AWS）中材料包超过接口单次响应的上限，尚不能整包下载',
    content: { 'application/json': { schema: ErrorSchema } },
  },
};
const layout =
  '每个基地一个文件夹：先是「00 经营服务情况报告表」「00 自评报告」，再按指标顺序「01 直播电商基地建筑面积/…」，' +
  '未能确定指标的在「待核实/」，其他文件在「其他/」；已撤回的不含，重复发送的只含一份；根目录有「目录.xlsx」。';

/** Registers the zip downloads and their documentation. */
export function registerBundleRoutes(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const send = async (c: Context<HttpEnv>, scope: BundleScope) => {
    const plan = await planBundle(ctx, scope);
    if (deps.fileDownloads === 'redirect' && plan.totalBytes > LAMBDA_ZIP_BYTES) {
      return c.json(
        {
          error: `材料包约 ${Math.ceil(plan.totalBytes / 1024 / 1024)} MB，超过接口单次响应的上限，此部署中暂不能整包下载（需改为后台生成后提供下载链接）；请在基地页面逐个下载文件`,
        },
        501,
      );
    }
    const { stream } = streamBundle(ctx, plan);
    return c.body(Readable.toWeb(stream) as ReadableStream<Uint8Array>, 200, {
      'Content-Type': ZIP,
      'Content-Disposition': contentDisposition(plan.fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
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
    return send(c, { base: baseId });
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
    return send(c, { city: city.data });
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
    requireStaff(c);
    return send(c, { all: true });
  });
}
