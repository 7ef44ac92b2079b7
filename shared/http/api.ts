/**
 * The JSON API under `/api`, described by the zod schemas of ./schemas.ts (OpenAPI at `/api/openapi.json`); its
 * routes live in ./api/, one file per resource.
 *
 * Reading routes serve staff everything and a bureau its own city only: another city's base, submission, document,
 * notices or audit answer 403, lists are filtered. Writing routes are the staff actions: staff only, the actor is
 * the signed-in user, a reason is required, and each is audited by its use case.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { registerAudit } from './api/audit.ts';
import { registerCatalogue } from './api/catalogue.ts';
import { registerExports } from './api/exports.ts';
import { registerRecords } from './api/records.ts';
import { registerStaffActions } from './api/staff.ts';
import { registerOverview, registerWorklists } from './api/status.ts';
import type { HttpEnv } from './auth.ts';
import type { HttpDeps } from './deps.ts';

/** Registers the JSON API routes and their documentation on the app. */
export function registerApi(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'intake_session',
    description:
      '本地登录（/login）、Cognito 统一身份认证登录（/auth/login）或地市专用链接（/l/{token}）设置的签名会话 Cookie',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cognito', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'AWS：API Gateway 的 Cognito JWT 授权（cognito:groups = staff | bureau，custom:city）',
  });

  // The order of registration is the order hono matches routes in and the order of the OpenAPI document.
  registerCatalogue(app, deps); // /api/me, /api/rounds…
  registerOverview(app, deps); // /api/cities…, /api/bases…, /api/status
  registerRecords(app, deps); // a base's submissions and documents, one submission, one document
  registerWorklists(app, deps); // /api/findings, /api/notices, /api/unmatched, /api/excluded
  registerAudit(app, deps); // /api/audit
  registerExports(app, deps); // /api/export.xlsx, the zip packages
  registerStaffActions(app, deps); // POST /api/…
}
