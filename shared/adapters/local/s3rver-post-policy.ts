/**
 * The POST policy check s3rver lacks: s3rver stores a browser POST upload without reading its policy, so a local
 * portal would accept any size and any key. This Koa middleware, put in front of s3rver's routes, does what S3
 * does before storing: verifies the SigV4 signature of the policy, its expiration, that every form field is covered
 * by a condition and that each condition holds (exact, starts-with, content-length-range on the file). It then
 * hands the buffered request on unchanged. The body is held in memory (up to 1 GiB): a local stand-in on loopback,
 * not a server for the internet.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** The part of a Koa context the check uses. */
interface KoaContext {
  method: string;
  path: string;
  req: IncomingMessage;
  request: { req: IncomingMessage };
  status: number;
  type: string;
  body: unknown;
  set(name: string, value: string): void;
  /** s3rver's store, where the bucket's CORS configuration lives. */
  store: { getSubresource(bucket: string, key: undefined, type: 'cors'): Promise<CorsConfig | undefined> };
}

/** The part of s3rver's CORS configuration model the check uses. */
interface CorsConfig {
  matchRule(origin: string, method: string): { hasWildcardOrigin: boolean } | undefined;
}

/** A POST policy (base64 JSON in the form's Policy field). */
interface Policy {
  expiration: string;
  conditions: unknown[];
}

/** Largest POST body read at all. */
const MAX_BODY_BYTES = 1024 * 1024 * 1024;

/** Fields S3 does not require a condition for. */
const UNCONDITIONED = new Set(['policy', 'x-amz-signature', 'file']);

/** Builds the middleware; `secretKey` is the secret of the one account s3rver knows (S3RVER by default). */
export function postPolicyCheck(options: { secretKey?: string; now?: () => Date } = {}) {
  const secretKey = options.secretKey ?? 'S3RVER';
  const now = options.now ?? (() => new Date());
  return async (ctx: KoaContext, next: () => Promise<unknown>): Promise<unknown> => {
    const contentType = ctx.req.headers['content-type'] ?? '';
    if (ctx.method !== 'POST' || !/^\/[^/]+\/?$/.test(ctx.path) || !contentType.startsWith('multipart/form-data')) {
      return next();
    }
    const bucket = ctx.path.replace(/^\/|\/$/g, '');
    const body = await readBody(ctx.req);
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
    const refusal = checkForm(form, bucket, secretKey, now());
    if (refusal) {
      // As S3 does (and s3rver's own CORS step, which this answer skips): a browser may read the refusal.
      const origin = ctx.req.headers.origin;
      const rule = origin
        ? (await ctx.store.getSubresource(bucket, undefined, 'cors').catch(() => undefined))?.matchRule(origin, 'POST')
        : null;
      if (origin && rule) ctx.set('Access-Control-Allow-Origin', rule.hasWildcardOrigin ? '*' : origin);
      ctx.status = refusal.status;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message></Error>`;
      return;
    }
    // s3rver reads the request itself: give it the same bytes again.
    const { url, method, headers, rawHeaders, httpVersion, socket } = ctx.req;
    const replay = Object.assign(Readable.from([body]), {
      url,
      method,
      headers,
      rawHeaders,
      httpVersion,
      socket,
      connection: socket,
    }) as unknown as IncomingMessage;
    ctx.req = replay;
    ctx.request.req = replay;
    return next();
  };
}

/** Why a POST was refused, in S3's terms. */
interface Refusal {
  status: number;
  code: string;
  message: string;
}

function checkForm(form: FormData, bucket: string, secretKey: string, at: Date): Refusal | null {
  const fields = new Map<string, string>();
  let fileSize: number | null = null;
  for (const [name, value] of form.entries()) {
    const lower = name.toLowerCase();
    if (lower === 'file') {
      fileSize = typeof value === 'string' ? Buffer.byteLength(value) : value.size;
      break; // S3 ignores what follows the file
    }
    if (typeof value === 'string') fields.set(lower, value);
  }
  const denied = (message: string): Refusal => ({ status: 403, code: 'AccessDenied', message });
  const policyText = fields.get('policy');
  if (!policyText) return denied('Bucket POST must carry a signed policy (local check)');
  if (fileSize === null) return { status: 400, code: 'InvalidArgument', message: 'POST requires exactly one file' };

  const credential = fields.get('x-amz-credential') ?? '';
  const [, date, region, service] = credential.split('/');
  if (!date || !region || !service) return denied('Invalid according to Policy: malformed X-Amz-Credential');
  let key = createHmac('sha256', `AWS4${secretKey}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(policyText).digest('hex');
  if (expected !== fields.get('x-amz-signature')) {
    return denied('The request signature we calculated does not match the signature you provided.');
  }

  let policy: Policy;
  try {
    policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8')) as Policy;
  } catch {
    return denied('Invalid Policy: the policy is not base64 JSON');
  }
  if (!(new Date(policy.expiration).getTime() > at.getTime()))
    return denied('Invalid according to Policy: Policy expired.');

  const fieldValue = (name: string): string | undefined => (name === 'bucket' ? bucket : fields.get(name));
  const covered = new Set<string>(['bucket']);
  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      const [op, subject, operand] = condition as [string, unknown, unknown];
      if (op === 'content-length-range') {
        const [min, max] = [Number(subject), Number(operand)];
        if (fileSize > max) {
          return {
            status: 400,
            code: 'EntityTooLarge',
            message: 'Your proposed upload exceeds the maximum allowed size',
          };
        }
        if (fileSize < min) {
          return {
            status: 400,
            code: 'EntityTooSmall',
            message: 'Your proposed upload is smaller than the minimum allowed size',
          };
        }
        continue;
      }
      const name = String(subject).replace(/^\$/, '').toLowerCase();
      covered.add(name);
      const actual = fieldValue(name) ?? '';
      const ok = op === 'eq' ? actual === operand : op === 'starts-with' ? actual.startsWith(String(operand)) : false;
      if (!ok) return denied(`Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);
      continue;
    }
    for (const [name, operand] of Object.entries(condition as Record<string, unknown>)) {
      const lower = name.toLowerCase();
      covered.add(lower);
      if (fieldValue(lower) !== operand) {
        return denied(
          `Invalid according to Policy: Policy Condition failed: ["eq", "$${name}", ${JSON.stringify(operand)}]`,
        );
      }
    }
  }
  for (const name of fields.keys()) {
    if (!UNCONDITIONED.has(name) && !name.startsWith('x-ignore-') && !covered.has(name)) {
      return denied(`Invalid according to Policy: Extra input fields: ${name}`);
    }
  }
  return null;
}

/** Reads the whole request body; refuses one over `limit`. */
async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) throw Object.assign(new Error('request body too large'), { status: 400 });
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw Object.assign(new Error('request body too large'), { status: 400 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
