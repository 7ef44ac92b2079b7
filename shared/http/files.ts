/**
 * Downloads through short-lived signed links. A link is issued only to someone allowed to see the document (checked
 * when it is issued) and names one document until it expires. Locally the app serves the bytes itself; in AWS it
 * checks the link the same way and then redirects to a presigned S3 URL of that one object, valid a few minutes, so
 * no bucket is ever exposed and no file is limited by the Lambda response size.
 */
import type { Hono } from 'hono';
import type { DocumentRecord } from '../domain/records.ts';
import { BlobNotFoundError } from '../ports/index.ts';
import { findDocument } from '../use-cases/read-model.ts';
import type { HttpEnv } from './auth.ts';
import type { HttpDeps } from './deps.ts';

/** A signed link and when it stops working. */
export interface FileLink {
  url: string;
  expiresAt: string;
}

/** Path prefix of download links. */
export const FILES_PATH = '/files/';

/** Issues a download link for a document; the caller has checked that the requester may see it. */
export function fileLink(deps: HttpDeps, document: Pick<DocumentRecord, 'id'>, origin: string): FileLink {
  const expiresAt = new Date(deps.wallClock().getTime() + deps.fileLinkSeconds * 1000);
  const token = deps.signer.sign('file', { doc: document.id }, expiresAt);
  return { url: new URL(`${FILES_PATH}${token}`, origin).toString(), expiresAt: expiresAt.toISOString() };
}

/** `Content-Disposition` for a Chinese file name: an ASCII fallback plus the RFC 5987 UTF-8 form. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** How long a presigned download URL works: long enough to start a slow download, short enough not to be shared. */
export const PRESIGNED_SECONDS = 300;

/**
 * Serves `GET /files/:token`: 404 for a bad or expired link (it says nothing about why). In redirect mode (AWS) the
 * answer is a 302 to a presigned URL of the bucket, since a Lambda response cannot carry more than ~6 MB.
 */
export function registerFiles(app: Hono<HttpEnv>, deps: HttpDeps): void {
  app.get(`${FILES_PATH}:token`, async (c) => {
    const payload = deps.signer.verify('file', c.req.param('token'), deps.wallClock());
    const documentId = typeof payload?.doc === 'string' ? payload.doc : null;
    const document = documentId ? await findDocument(deps.ctx, documentId) : null;
    if (!document) return c.text('链接无效或已过期 (link invalid or expired)', 404);
    const presign = deps.fileDownloads === 'redirect' ? deps.ctx.blobs.presignedDownloadUrl : undefined;
    if (presign) {
      if (!(await deps.ctx.blobs.exists(document.blobKey))) return c.text('文件不存在 (file not found)', 404);
      const url = await presign.call(deps.ctx.blobs, document.blobKey, {
        contentDisposition: contentDisposition(document.fileName),
        contentType: safeContentType(document.contentType),
        expiresIn: PRESIGNED_SECONDS,
      });
      return c.body(null, 302, { Location: url, 'Cache-Control': 'private, no-store' });
    }
    let body: Buffer;
    try {
      body = await deps.ctx.blobs.get(document.blobKey);
    } catch (error) {
      if (error instanceof BlobNotFoundError) return c.text('文件不存在 (file not found)', 404);
      throw error;
    }
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': safeContentType(document.contentType),
      'Content-Disposition': contentDisposition(document.fileName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
  });
}

const SAFE_TYPES =
  /^(application\/(pdf|zip|x-zip-compressed|x-rar-compressed|x-7z-compressed|msword|vnd\.[\w.+-]+)|image\/(png|jpeg|gif|webp)|text\/plain)$/;

/** The stored content type when it cannot run in a browser; a sender-chosen text/html or SVG becomes a plain download. */
function safeContentType(contentType: string): string {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return SAFE_TYPES.test(type) ? type : 'application/octet-stream';
}
