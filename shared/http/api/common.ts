/**
 * What the JSON API's registrars share: response and body shapes of the OpenAPI document, path parameters, the
 * security requirement, and who may see which cities.
 */
import { z } from '@hono/zod-openapi';
import type { CityId } from '../../domain/catalogue.ts';
import { cityIdSchema } from '../../domain/catalogue.ts';
import type { Principal } from '../auth.ts';
import type { HttpDeps } from '../deps.ts';
import { ErrorSchema } from '../schemas.ts';

/** A JSON response of the document. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
/** The refusals every route may answer. */
export const refused = {
  400: json(ErrorSchema, '请求无效'),
  401: json(ErrorSchema, '未登录'),
  403: json(ErrorSchema, '无权访问（其他地市的数据，或仅限省厅的操作）'),
  404: json(ErrorSchema, '不存在'),
};
/** A session cookie or a Cognito JWT (the schemes are registered by ../api.ts). */
export const security: Record<string, string[]>[] = [{ session: [] }, { cognito: [] }];
/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true,
});

export const BaseParam = z.object({
  baseId: z.string().meta({ param: { name: 'baseId', in: 'path' }, example: 'p01' }),
});
export const SubmissionParam = z.object({
  submissionId: z.string().meta({ param: { name: 'submissionId', in: 'path' }, example: 's-0123abcd' }),
});
export const DocumentParam = z.object({
  submissionId: z.string().meta({ param: { name: 'submissionId', in: 'path' } }),
  sha256: z.string().meta({ param: { name: 'sha256', in: 'path' } }),
});
export const CityParam = z.object({
  city: cityIdSchema.meta({ param: { name: 'city', in: 'path' }, example: 'taiyuan' }),
});

/** The moment a query is about: its `asOf` (already validated) or the round clock's now. */
export function asOfOf(deps: HttpDeps, asOf: string | undefined): Date {
  return asOf ? new Date(asOf) : deps.ctx.clock.now();
}

/** The cities a principal may see (undefined: all). */
export function citiesOf(principal: Principal): CityId[] | undefined {
  return principal.role === 'staff' ? undefined : principal.city ? [principal.city] : [];
}
