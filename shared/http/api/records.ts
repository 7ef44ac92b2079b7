/** A base's submissions and documents, one submission, one document and its download link. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  cityOfBase,
  documentsOfBase,
  findDocument,
  getBase,
  submissionsOfBase,
  submissionWithDocuments,
} from '../../use-cases/read-model.ts';
import { assertCity, type HttpEnv, type Principal, requireUser } from '../auth.ts';
import type { HttpDeps } from '../deps.ts';
import { fileLink } from '../files.ts';
import { DocumentSchema, LinkSchema, SubmissionDetailSchema, SubmissionSchema } from '../schemas.ts';
import { BaseParam, DocumentParam, json, refused, SubmissionParam, security } from './common.ts';

/**
 * `/api/bases/{baseId}/submissions`, `/api/bases/{baseId}/documents`, `/api/submissions/{submissionId}`,
 * `/api/documents/{submissionId}/{sha256}` and its `/link`.
 */
export function registerRecords(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/bases/{baseId}/submissions',
      tags: ['submissions'],
      summary: '一个基地的提交记录（邮件、上传），按时间先后',
      security,
      request: { params: BaseParam },
      responses: { 200: json(z.array(SubmissionSchema), '提交'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { baseId } = c.req.valid('param');
      assertCity(principal, (await getBase(ctx, baseId)).city);
      return c.json(await submissionsOfBase(ctx, baseId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/bases/{baseId}/documents',
      tags: ['documents'],
      summary: '一个基地的全部文件及读取结果',
      security,
      request: { params: BaseParam },
      responses: { 200: json(z.array(DocumentSchema), '文件'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const { baseId } = c.req.valid('param');
      assertCity(principal, (await getBase(ctx, baseId)).city);
      return c.json(await documentsOfBase(ctx, baseId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/submissions/{submissionId}',
      tags: ['submissions'],
      summary: '一次提交及其文件',
      security,
      request: { params: SubmissionParam },
      responses: { 200: json(SubmissionDetailSchema, '提交'), ...refused },
    }),
    async (c) => {
      const principal = requireUser(c);
      const found = await submissionWithDocuments(ctx, c.req.valid('param').submissionId);
      if (!found) return c.json({ error: '没有该提交记录' }, 404);
      assertCity(principal, await cityOfBase(ctx, found.submission.baseId));
      return c.json(found, 200);
    },
  );

  const documentFor = async (principal: Principal, submissionId: string, sha256: string) => {
    const document = await findDocument(ctx, `${submissionId}/${sha256}`);
    if (!document) return null;
    assertCity(principal, await cityOfBase(ctx, document.baseId));
    return document;
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/documents/{submissionId}/{sha256}',
      tags: ['documents'],
      summary: '一个文件的记录（分类、读取的数值、提示）',
      security,
      request: { params: DocumentParam },
      responses: { 200: json(DocumentSchema, '文件'), ...refused },
    }),
    async (c) => {
      const { submissionId, sha256 } = c.req.valid('param');
      const document = await documentFor(requireUser(c), submissionId, sha256);
      return document ? c.json(document, 200) : c.json({ error: '没有该文件' }, 404);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/documents/{submissionId}/{sha256}/link',
      tags: ['documents'],
      summary: '下载链接：短时有效、带签名，由本服务提供文件',
      security,
      request: { params: DocumentParam },
      responses: { 200: json(LinkSchema, '链接'), ...refused },
    }),
    async (c) => {
      const { submissionId, sha256 } = c.req.valid('param');
      const document = await documentFor(requireUser(c), submissionId, sha256);
      return document ? c.json(fileLink(deps, document, c.req.url), 200) : c.json({ error: '没有该文件' }, 404);
    },
  );
}
