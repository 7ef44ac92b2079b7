/** Downloads: the status workbook (`/api/export.xlsx`), then the zip packages of files (../bundles.ts). */
import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cityIdSchema } from '../../domain/catalogue.ts';
import { buildStatusWorkbook } from '../../use-cases/export.ts';
import { assertCity, type HttpEnv, requireStaff, requireUser } from '../auth.ts';
import { registerBundleRoutes } from '../bundles.ts';
import type { HttpDeps } from '../deps.ts';
import { contentDisposition } from '../files.ts';
import { AsOfQuery } from '../schemas.ts';
import { asOfOf, refused, security } from './common.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `/api/export.xlsx`, then `/api/bases/{baseId}/files.zip`, `/api/cities/{city}/files.zip`, `/api/files.zip`. */
export function registerExports(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/export.xlsx',
    tags: ['status'],
    summary:
      '导出汇总表（与 intake export 相同：汇总、全部基地、各地市一表、待分配邮件；省厅）；带 city 时只导出该地市（地市商务局只能导出本市，不带 city 即本市）',
    security,
    request: { query: AsOfQuery.extend({ city: cityIdSchema.optional() }) },
    responses: {
      200: {
        description: 'Excel 工作簿',
        content: { [XLSX]: { schema: z.string().meta({ format: 'binary' }) } },
      },
      ...refused,
    },
  });
  // The same workbook for the pages' button at /export.xlsx: outside /api, so the pages' own session carries it where
  // the gateway asks for a token on /api (AWS).
  const exportWorkbook = async (c: Context<HttpEnv>) => {
    const principal = requireUser(c);
    const asOf = c.req.query('asOf');
    if (asOf && Number.isNaN(new Date(asOf).getTime()))
      return c.json({ error: '请求无效：asOf 不是 ISO 8601 时间' }, 400);
    // A bureau gets its own city's workbook (with or without ?city=); the whole round is for staff.
    const asked = c.req.query('city') || (principal.role === 'staff' ? undefined : (principal.city ?? undefined));
    const city = asked === undefined ? undefined : cityIdSchema.safeParse(asked);
    if (city && !city.success) return c.json({ error: `请求无效：没有地市“${asked}”` }, 400);
    if (city) assertCity(principal, city.data);
    else requireStaff(c);
    const { workbook } = await buildStatusWorkbook(ctx, { asOf: asOfOf(deps, asOf), city: city?.data });
    const cityName = city ? ctx.round.cities.find((x) => x.id === city.data)?.name : undefined;
    const name = `${ctx.round.title}电子材料报送情况${cityName ? `（${cityName}）` : '汇总'}.xlsx`;
    return c.body(new Uint8Array(workbook), 200, {
      'Content-Type': XLSX,
      'Content-Disposition': contentDisposition(name),
      'Cache-Control': 'private, no-store',
    });
  };
  app.get('/api/export.xlsx', exportWorkbook);
  app.get('/export.xlsx', exportWorkbook);

  registerBundleRoutes(app, deps);
}
