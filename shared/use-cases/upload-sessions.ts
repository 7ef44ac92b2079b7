/**
 * Upload sessions: the portal path for files too large for mail. The browser declares its files, gets one presigned
 * POST per file (the size is fixed by the signature) and sends each straight to storage; a completion call then
 * checks that every declared file arrived with its declared size and turns the session into a submission through
 * the normal path: the files are composed into a MIME message (as the direct upload does) stored under
 * `inbox/upload/<sessionId>.eml`. In AWS the inbox's S3 event -> SQS -> ingest-email takes it from there (after the
 * malware scan); locally, with no S3 events, it is ingested at once.
 *
 * The session is a JSON object next to its files (`uploads/<id>/session.json`) rather than a record in the table:
 * it lives exactly as long as the files it describes (the bucket's lifecycle rule expires `uploads/`),
 * needs no new record type or table access, and what outlives it (the message and the submission) is recorded
 * anyway. Completion is idempotent without a lock: the message is composed deterministically (fixed Message-ID and
 * boundaries, Date = when the last file arrived), so repeated or concurrent completions store the same bytes, which
 * intake records as one submission; the session keeps the outcome for later calls.
 *
 * Where a malware scanner runs (GuardDuty in AWS, read through UploadStorage.scanVerdict), a session is composed only
 * once every file is known clean: the composed message is one base64 body the scanner does not look into, so the
 * files' own verdicts are the gate. A file not scanned yet makes the completion answer "ask again later"; a file with
 * a threat, or one the scanner could not read, refuses the session for good, and the refusal is kept in it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { z } from 'zod';
import { IntakeError } from '../domain/errors.ts';
import { BlobNotFoundError, type PresignedPost, RECEIVED_AT_METADATA } from '../ports/index.ts';
import { type AppContext, DEFAULT_LIMITS } from './context.ts';
import { uploadInboxKey } from './inbox-layout.ts';
import { ingestStoredMessage } from './intake.ts';
import { composeUploadMessage } from './upload.ts';
import { UPLOAD_LINK_HEADER } from './upload-link-header.ts';
import { drawReceiptNumber, UPLOAD_RECEIPT_HEADER } from './upload-receipt-number.ts';

/** Limits of the upload portal; each is configurable (see `uploadPortalLimitsFromEnv`). */
export interface UploadPortalLimits {
  /** Most files in one session (UPLOAD_MAX_FILES). */
  maxFiles: number;
  /** Largest single file (bytes; UPLOAD_MAX_FILE_BYTES); may exceed the mail limit, that is the point. */
  maxFileBytes: number;
  /** Largest session in total (bytes; UPLOAD_MAX_TOTAL_BYTES). */
  maxTotalBytes: number;
  /** How long the presigned forms stay valid (seconds; UPLOAD_FORM_SECONDS). */
  formSeconds: number;
  /**
   * Largest message a session may become once composed (bytes): the intake's `maxStoredMessageBytes`, so that a
   * full session is always read (base64 makes 500 MB of files a 684 MB message).
   */
  maxMessageBytes: number;
}

const MB = 1024 * 1024;

/** Default limits: a scanned report or a video of the base runs to a few hundred MB. */
export const DEFAULT_UPLOAD_PORTAL_LIMITS: UploadPortalLimits = {
  maxFiles: 20,
  maxFileBytes: 200 * MB,
  // 400 MB composes to about 548 MB, within the 600 MB the intake reads.
  maxTotalBytes: 400 * MB,
  formSeconds: 3600,
  maxMessageBytes: DEFAULT_LIMITS.maxStoredMessageBytes,
};

/**
 * Bytes of the message a session's files become (upload.ts): base64 in 76-character lines with CRLF (78 bytes per
 * 57 of content) and a part header per file, plus the message header.
 */
export function composedMessageBytes(sizes: readonly number[]): number {
  return sizes.reduce((sum, size) => sum + Math.ceil(size / 57) * 78 + 2048, 8192);
}

const positiveInt = z.coerce.number().int().positive();
const limitsEnvSchema = z.object({
  UPLOAD_MAX_FILES: positiveInt.optional(),
  UPLOAD_MAX_FILE_BYTES: positiveInt.optional(),
  UPLOAD_MAX_TOTAL_BYTES: positiveInt.optional(),
  UPLOAD_FORM_SECONDS: positiveInt.max(7 * 24 * 3600).optional(),
  // The intake's own limit (shared/adapters/aws/composition.ts reads the same variable).
  MAX_STORED_MESSAGE_BYTES: positiveInt.optional(),
});

/** Reads the portal limits from the environment; unset ones keep their defaults. */
export function uploadPortalLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): UploadPortalLimits {
  const parsed = limitsEnvSchema.parse(env);
  return {
    maxFiles: parsed.UPLOAD_MAX_FILES ?? DEFAULT_UPLOAD_PORTAL_LIMITS.maxFiles,
    maxFileBytes: parsed.UPLOAD_MAX_FILE_BYTES ?? DEFAULT_UPLOAD_PORTAL_LIMITS.maxFileBytes,
    maxTotalBytes: parsed.UPLOAD_MAX_TOTAL_BYTES ?? DEFAULT_UPLOAD_PORTAL_LIMITS.maxTotalBytes,
    formSeconds: parsed.UPLOAD_FORM_SECONDS ?? DEFAULT_UPLOAD_PORTAL_LIMITS.formSeconds,
    maxMessageBytes: parsed.MAX_STORED_MESSAGE_BYTES ?? DEFAULT_UPLOAD_PORTAL_LIMITS.maxMessageBytes,
  };
}

/**
 * Longest file name, in characters: percent-encoded into S3 user metadata (2 KB in all), a Chinese character takes
 * nine bytes.
 */
export const MAX_FILE_NAME_CHARS = 180;

function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f;
  });
}

/** The request that opens a session, validated against the limits. */
export function uploadSessionRequestSchema(limits: UploadPortalLimits) {
  const mb = (bytes: number) => `${Math.round(bytes / MB)}MB`;
  return z
    .object({
      base: z.string().trim().min(1, '请填写基地名称').max(200).meta({ description: '基地名称' }),
      email: z.email('联系邮箱格式不正确').max(254).optional().meta({ description: '联系邮箱（可选）' }),
      files: z
        .array(
          z.object({
            fileName: z
              .string()
              .trim()
              .min(1, '文件名不能为空')
              .max(MAX_FILE_NAME_CHARS, `文件名不能超过${MAX_FILE_NAME_CHARS}个字符`)
              .refine((name) => !hasControlCharacter(name), '文件名含有控制字符'),
            size: z
              .number()
              .int()
              .min(1, '不能上传空文件')
              .max(limits.maxFileBytes, `单个文件不能超过${mb(limits.maxFileBytes)}`),
            contentType: z
              .string()
              .max(127)
              .regex(/^[\w.+-]+\/[\w.+-]+$/, '文件类型格式不正确')
              .optional(),
          }),
        )
        .min(1, '请至少选择一个文件')
        .max(limits.maxFiles, `一次最多上传${limits.maxFiles}个文件`),
    })
    .refine((request) => request.files.reduce((sum, f) => sum + f.size, 0) <= limits.maxTotalBytes, {
      message: `文件总大小不能超过${mb(limits.maxTotalBytes)}`,
      path: ['files'],
    })
    .refine((request) => composedMessageBytes(request.files.map((f) => f.size)) <= limits.maxMessageBytes, {
      message: `文件编码后的总大小超过${mb(limits.maxMessageBytes)}的上限，请分两次上传`,
      path: ['files'],
    });
}

/** A validated request to open a session. */
export type UploadSessionRequest = z.output<ReturnType<typeof uploadSessionRequestSchema>>;

/** One declared file of a session. */
export const uploadSessionFileSchema = z.object({
  /** Position, from 1; the object is `uploads/<sessionId>/<n>`. */
  n: z.number().int().positive(),
  fileName: z.string(),
  size: z.number().int().positive(),
  contentType: z.string(),
  key: z.string(),
});

/** What completing a session gave (kept in the session, so a second completion answers the same). */
export const uploadCompletionSchema = z.object({
  submissionId: z.string(),
  /** Where the composed message is stored (under inbox/upload/). */
  rawKey: z.string(),
  /** When the last file arrived: the submission's receive time. */
  receivedAt: z.string(),
  completedAt: z.string(),
  /** inline: ingested by the completion itself; queued: left to the inbox's S3 event (and the malware scan). */
  ingest: z.enum(['inline', 'queued']),
});
/** The outcome of a completed session. */
export type UploadCompletion = z.infer<typeof uploadCompletionSchema>;

/** Why a session was refused at completion (kept in it: a later call answers the same). */
export const uploadRefusalSchema = z.object({
  refusedAt: z.string(),
  /** The files the scanner did not pass: a threat found, or not scannable (e.g. an encrypted archive). */
  files: z.array(
    z.object({ n: z.number().int().positive(), fileName: z.string(), verdict: z.enum(['infected', 'unscannable']) }),
  ),
});
/** A refused session's refusal. */
export type UploadRefusal = z.infer<typeof uploadRefusalSchema>;

/** A session as stored. */
export const uploadSessionSchema = z.object({
  id: z.string(),
  roundId: z.string(),
  createdAt: z.string(),
  /** When the presigned forms stop working. */
  formsExpireAt: z.string(),
  baseName: z.string(),
  uploader: z.string().nullable(),
  files: z.array(uploadSessionFileSchema),
  completion: uploadCompletionSchema.nullable(),
  /** Set when the malware scan refused the session's files (sessions stored before there was a scan have none). */
  refusal: uploadRefusalSchema.nullable().default(null),
  /** The base whose upload link opened the session (its message is then vouched for); null for the open form. */
  linkedBase: z.string().nullable().default(null),
  /**
   * The receipt number, drawn when the session opened (./upload-receipt-number.ts) and written into the composed
   * message; null in sessions opened before numbers were drawn then (./upload-receipts.ts draws one at completion).
   */
  receipt: z.string().nullable().default(null),
});
/** An upload session. */
export type UploadSession = z.infer<typeof uploadSessionSchema>;

/** Where sessions and their files live. */
export const UPLOAD_SESSION_PREFIX = 'uploads/';
/** Where completed sessions are stored as messages (inside inbox/, so the inbox's S3 event fires): receive's layout. */
export { UPLOAD_INBOX_PREFIX } from './inbox-layout.ts';

const sessionIdPattern = /^u-[0-9a-f]{32}$/;

/** Tells whether a text has the form of a session id (random, so it is the capability to complete the session). */
export function isUploadSessionId(text: string): boolean {
  return sessionIdPattern.test(text);
}

/** The object key of a session's n-th file. */
export function uploadFileKey(sessionId: string, n: number): string {
  return `${UPLOAD_SESSION_PREFIX}${sessionId}/${n}`;
}

function sessionKey(sessionId: string): string {
  return `${UPLOAD_SESSION_PREFIX}${sessionId}/session.json`;
}

/** The portal cannot work in this runtime (no presigning storage). */
export class UploadPortalUnavailableError extends IntakeError {
  constructor() {
    super('upload.unavailable', 'failure', '上传通道在此环境不可用 (no upload storage configured)');
    this.name = 'UploadPortalUnavailableError';
  }
}

/** No session with that id (never opened, mistyped, or expired with its files). */
export class UnknownUploadSessionError extends IntakeError {
  constructor(readonly sessionId: string) {
    super('upload.session-unknown', 'input', `上传会话不存在或已过期：${sessionId}`);
    this.name = 'UnknownUploadSessionError';
  }
}

/** What is wrong with one declared file at completion. */
export interface UploadFileProblem {
  n: number;
  fileName: string;
  problem: 'missing' | 'size-mismatch';
  expectedSize: number;
  actualSize: number | null;
}

/** Completion refused: some declared files are missing or not the declared size. */
export class UploadIncompleteError extends IntakeError {
  constructor(readonly problems: UploadFileProblem[]) {
    super(
      'upload.incomplete',
      'input',
      `文件未全部上传：${problems
        .map(
          (p) =>
            `${p.fileName}${p.problem === 'missing' ? '未上传' : `大小不符（应为${p.expectedSize}字节，实为${p.actualSize}字节）`}`,
        )
        .join('；')}`,
    );
    this.name = 'UploadIncompleteError';
  }
}

/** Completion must wait: the malware scan has not given a verdict on these files yet. */
export class UploadScanPendingError extends IntakeError {
  constructor(readonly files: { n: number; fileName: string; status: string | null }[]) {
    const names = files.map((f) => `「${f.fileName}」`).join('、');
    // A status is the scanner's own failure (ACCESS_DENIED, FAILED): it will not finish by waiting alone.
    super(
      'upload.scan-pending',
      'failure',
      files.some((f) => f.status !== null)
        ? `文件安全检查未能完成（${names}），管理员已收到通知；请稍后再确认提交，或改用电子邮件报送。文件已上传，无需重传。`
        : `文件安全检查尚未完成（${names}），请稍后（约一两分钟）再确认提交；文件已上传，无需重传。`,
    );
    this.name = 'UploadScanPendingError';
  }
}

/** Completion refused for good: the malware scan found a threat in (or could not scan) some files. */
export class UploadScanRefusedError extends IntakeError {
  constructor(readonly refusal: UploadRefusal) {
    const infected = refusal.files.filter((f) => f.verdict === 'infected').map((f) => `「${f.fileName}」`);
    const unscannable = refusal.files.filter((f) => f.verdict === 'unscannable').map((f) => `「${f.fileName}」`);
    const findings = [
      infected.length > 0 ? `安全检查在${infected.join('、')}中发现恶意软件` : '',
      unscannable.length > 0 ? `${unscannable.join('、')}无法进行安全检查（如加密的压缩包）` : '',
    ].filter(Boolean);
    super(
      'upload.scan-refused',
      'input',
      `${findings.join('；')}，本次提交已拒收。请检查文件（压缩包请勿加密）后重新提交。`,
    );
    this.name = 'UploadScanRefusedError';
  }
}

/** A newly opened session with one presigned form per file. */
export interface OpenedUploadSession {
  session: UploadSession;
  /** The forms, in the order of `session.files`. */
  forms: PresignedPost[];
}

/**
 * Opens a session: records it and signs one POST per declared file, fixed to its key and exact size. `linkedBase`:
 * the base of the upload link the session was opened with (checked by the caller; the request's base name is then
 * that base's).
 */
export async function openUploadSession(
  ctx: AppContext,
  request: UploadSessionRequest,
  limits: UploadPortalLimits,
  options: { linkedBase?: string } = {},
): Promise<OpenedUploadSession> {
  const storage = ctx.uploads;
  if (!storage) throw new UploadPortalUnavailableError();
  const now = ctx.clock.now();
  const id = `u-${randomBytes(16).toString('hex')}`;
  const receipt = await drawReceiptNumber(ctx);
  const files = request.files.map((file, index) => ({
    n: index + 1,
    fileName: file.fileName,
    size: file.size,
    contentType: file.contentType ?? 'application/octet-stream',
    key: uploadFileKey(id, index + 1),
  }));
  const session: UploadSession = {
    id,
    roundId: ctx.round.id,
    createdAt: now.toISOString(),
    formsExpireAt: new Date(now.getTime() + limits.formSeconds * 1000).toISOString(),
    baseName: request.base,
    uploader: request.email ?? null,
    files,
    completion: null,
    refusal: null,
    linkedBase: options.linkedBase ?? null,
    receipt,
  };
  await saveSession(ctx, session);
  const forms = await Promise.all(
    files.map((file) =>
      storage.presignPost(file.key, {
        minBytes: file.size,
        maxBytes: file.size,
        expiresSeconds: limits.formSeconds,
        contentType: file.contentType,
        metadata: { filename: encodeURIComponent(file.fileName), 'upload-session': id },
      }),
    ),
  );
  return { session, forms };
}

/** Reads a session; null when there is none. */
export async function getUploadSession(ctx: AppContext, sessionId: string): Promise<UploadSession | null> {
  if (!isUploadSessionId(sessionId)) return null;
  let body: Buffer;
  try {
    body = await ctx.blobs.get(sessionKey(sessionId));
  } catch (error) {
    if (error instanceof BlobNotFoundError) return null;
    throw error;
  }
  return uploadSessionSchema.parse(JSON.parse(body.toString('utf8')));
}

/** How a completion hands the message to intake. */
export type UploadIngestMode = UploadCompletion['ingest'];

/** What a completion call gets back. */
export interface CompletedUploadSession {
  sessionId: string;
  completion: UploadCompletion;
  /** True when the session had been completed before (nothing was done this time). */
  repeated: boolean;
}

/**
 * Completes a session: checks every declared file (present, declared size, and clean where a scanner runs), stores
 * the composed message under inbox/upload/ and, in `inline` mode, ingests it (see the module comment for idempotency
 * and the scan). Throws UploadScanPendingError while a verdict is missing, UploadScanRefusedError when one refuses.
 */
export async function completeUploadSession(
  ctx: AppContext,
  sessionId: string,
  mode: UploadIngestMode,
): Promise<CompletedUploadSession> {
  const storage = ctx.uploads;
  if (!storage) throw new UploadPortalUnavailableError();
  const session = await getUploadSession(ctx, sessionId);
  if (!session) throw new UnknownUploadSessionError(sessionId);
  if (session.completion) return { sessionId, completion: session.completion, repeated: true };
  if (session.refusal) throw new UploadScanRefusedError(session.refusal);

  const heads = await Promise.all(session.files.map((file) => storage.head(file.key)));
  const problems: UploadFileProblem[] = [];
  session.files.forEach((file, index) => {
    const head = heads[index] ?? null;
    if (!head || head.size !== file.size) {
      problems.push({
        n: file.n,
        fileName: file.fileName,
        problem: head ? 'size-mismatch' : 'missing',
        expectedSize: file.size,
        actualSize: head?.size ?? null,
      });
    }
  });
  if (problems.length > 0) throw new UploadIncompleteError(problems);
  await requireCleanFiles(ctx, session);

  // The material arrived when its last file did; deterministic, unlike the time of this call.
  const receivedAt = new Date(Math.max(...heads.map((head) => head?.lastModified.getTime() ?? 0)));
  const rawKey = uploadInboxKey(session.id);
  const files = session.files.map((file) => ({
    fileName: file.fileName,
    contentType: file.contentType,
    // Opened only when the composer reaches the file: twenty idle downloads would time out meanwhile.
    content: Readable.from(
      (async function* () {
        yield* await ctx.blobs.getStream(file.key);
      })(),
    ),
  }));
  const message = composeUploadMessage(ctx, {
    baseName: session.baseName,
    ...(session.uploader ? { uploader: session.uploader } : {}),
    files,
    date: receivedAt,
    stableId: session.id.slice(2),
    headers: {
      'X-Intake-Upload-Session': session.id,
      // Set only here, from a link the server checked: the acknowledgement may then tell the base's status.
      ...(session.linkedBase ? { [UPLOAD_LINK_HEADER]: session.linkedBase } : {}),
      // Intake records it on the submission: staff find the submission by the number the base was shown.
      ...(session.receipt ? { [UPLOAD_RECEIPT_HEADER]: session.receipt } : {}),
    },
  });
  // Streamed: the files may be far larger than what a function should hold in memory.
  const sha256 = await storeHashed(ctx, rawKey, message.compile().createReadStream(), {
    [RECEIVED_AT_METADATA]: receivedAt.toISOString(),
    'upload-session': session.id,
  });
  // Intake names a submission after the hash of its raw bytes; in queued mode that is known before intake runs.
  let submissionId = `s-${sha256.slice(0, 32)}`;
  if (mode === 'inline') {
    const result = await ingestStoredMessage(ctx, { key: rawKey, channel: 'upload', receivedAt });
    submissionId = result.submissionId;
  }
  const completion: UploadCompletion = {
    submissionId,
    rawKey,
    receivedAt: receivedAt.toISOString(),
    completedAt: ctx.clock.now().toISOString(),
    ingest: mode,
  };
  await saveSession(ctx, { ...session, completion });
  return { sessionId, completion, repeated: false };
}

/**
 * Where a scanner runs, requires its NO_THREATS_FOUND verdict on every file of the session: a threat or an unscannable
 * file refuses the session (recorded in it), a missing verdict asks the caller to come back.
 */
async function requireCleanFiles(ctx: AppContext, session: UploadSession): Promise<void> {
  const storage = ctx.uploads;
  if (!storage) throw new UploadPortalUnavailableError();
  const verdicts = await Promise.all(session.files.map((file) => storage.scanVerdict(file.key)));
  const refused: UploadRefusal['files'] = [];
  const pending: UploadScanPendingError['files'] = [];
  session.files.forEach((file, index) => {
    const verdict = verdicts[index] ?? null;
    if (!verdict || verdict.state === 'clean') return;
    if (verdict.state === 'pending') pending.push({ n: file.n, fileName: file.fileName, status: verdict.status });
    else refused.push({ n: file.n, fileName: file.fileName, verdict: verdict.state });
  });
  if (refused.length > 0) {
    const refusal: UploadRefusal = { refusedAt: ctx.clock.now().toISOString(), files: refused };
    await saveSession(ctx, { ...session, refusal });
    throw new UploadScanRefusedError(refusal);
  }
  if (pending.length > 0) throw new UploadScanPendingError(pending);
}

/** Stores a stream while hashing it; returns the SHA-256 (hex) of what was stored. */
async function storeHashed(
  ctx: AppContext,
  key: string,
  body: Readable,
  metadata: Record<string, string>,
): Promise<string> {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  body.on('error', (error) => tap.destroy(error));
  body.pipe(tap);
  await ctx.blobs.put(key, tap, { contentType: 'message/rfc822', metadata });
  return hash.digest('hex');
}

async function saveSession(ctx: AppContext, session: UploadSession): Promise<void> {
  await ctx.blobs.put(sessionKey(session.id), Buffer.from(JSON.stringify(session, null, 2)), {
    contentType: 'application/json',
  });
}
