/**
 * What a request may not do to the app: send a body larger than its route needs (refused before it is buffered),
 * or turn its own mistakes (wrong content type, malformed JSON or form data, an unreadable header) into a 500.
 *
 * - bodyLimits: one cap per route, checked on the declared Content-Length and, for a streamed body, while it is
 *   read (hono/body-limit). Sign-in and sign-out take a few fields; the JSON API and the staff forms are small; the
 *   open upload portal (`POST /api/uploads`) takes at most a stored message's worth. Large files never go through
 *   the app: the upload sessions hand out presigned POSTs straight to storage, and downloads are links.
 * - clientErrorOf: the one mapping of a request's mistakes to a 4xx with a plain Chinese and English message; the
 *   app's error handler uses it before anything is treated (and logged) as a server error.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { HttpEnv } from './auth.ts';

/** Body caps in bytes. */
export interface BodyLimits {
  /** `/login` and `/logout`: a name, a password, a CSRF token and a path. */
  signIn: number;
  /** Everything not named here: the JSON API and the staff forms. */
  standard: number;
  /** `POST /api/uploads`, the open portal's one-request upload (multipart). */
  portalUpload: number;
}

/** The caps for a largest stored message of `maxMessageBytes` (the portal's multipart overhead comes on top). */
export function defaultBodyLimits(maxMessageBytes: number): BodyLimits {
  return { signIn: 16 * 1024, standard: 1024 * 1024, portalUpload: maxMessageBytes + 1024 * 1024 };
}

/** The cap of a request's route. */
export function bodyLimitOf(limits: BodyLimits, method: string, path: string): number {
  if (path === '/login' || path === '/logout') return limits.signIn;
  if (method === 'POST' && path === '/api/uploads') return limits.portalUpload;
  return limits.standard;
}

/** Caps every request body by its route (413 beyond the cap, before the body is buffered). */
export function bodyLimits(limits: BodyLimits): MiddlewareHandler<HttpEnv> {
  const byCap = new Map<number, MiddlewareHandler<HttpEnv>>();
  return (c, next) => {
    const maxSize = bodyLimitOf(limits, c.req.method, c.req.path);
    let guard = byCap.get(maxSize);
    if (!guard) {
      guard = bodyLimit({
        maxSize,
        onError: () => {
          throw new HTTPException(413, { message: `request body over ${maxSize} bytes` });
        },
      });
      byCap.set(maxSize, guard);
    }
    return guard(c, next);
  };
}

/** A request's own mistake: the status to answer and a message for the client. */
export interface ClientError {
  status: 400 | 404 | 405 | 413 | 415 | 429;
  message: string;
}

const MESSAGES: Record<ClientError['status'], string> = {
  400: '请求格式无效 (malformed request)',
  404: '没有该接口或对象 (not found)',
  405: '不支持该请求方法 (method not allowed)',
  413: '请求内容过大 (request body too large)',
  415: '不支持该内容类型，请使用 application/json 或表单 (unsupported content type)',
  429: '请求过于频繁，请稍后再试 (too many requests)',
};

/**
 * The 4xx a thrown error stands for when it is the request's fault, or null for a server error. Covers Hono's own
 * HTTP exceptions (validators: 415 for a wrong content type, 400 for malformed JSON; body limit: 413), form data
 * that cannot be parsed, JSON the handler parsed itself, and a URL taken from a header that is not one.
 */
export function clientErrorOf(error: unknown): ClientError | null {
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 400 || status === 404 || status === 405 || status === 413 || status === 415 || status === 429) {
      const detail =
        status !== 400
          ? ''
          : /json/i.test(error.message)
            ? '：JSON 无法解析 (malformed JSON)'
            : /referer/i.test(error.message)
              ? '：Referer 请求头不是有效地址 (unreadable Referer header)'
              : '';
      return { status, message: `${MESSAGES[status]}${detail}` };
    }
    return status >= 400 && status < 500 ? { status: 400, message: MESSAGES[400] } : null;
  }
  if (!(error instanceof Error)) return null;
  // undici's Request.formData(): the multipart or urlencoded body does not parse.
  if (error instanceof TypeError && /parse body as FormData/i.test(error.message)) {
    return { status: 400, message: '表单内容无法读取 (malformed form data)' };
  }
  if ((error as NodeJS.ErrnoException).code === 'ERR_INVALID_URL') {
    return { status: 400, message: '请求中的地址无效 (invalid URL in the request)' };
  }
  if (error instanceof SyntaxError && /JSON/.test(error.message)) {
    return { status: 400, message: `${MESSAGES[400]}：JSON 无法解析 (malformed JSON)` };
  }
  return null;
}

/** The path of the request's Referer, null without one; a Referer that is no URL is the client's mistake (400). */
export function refererPath(c: Context<HttpEnv>): string | null {
  const referer = c.req.header('referer');
  if (!referer) return null;
  if (!URL.canParse(referer)) throw new HTTPException(400, { message: 'unreadable Referer header' });
  return new URL(referer).pathname;
}
