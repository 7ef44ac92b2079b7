/**
 * What a base reads after uploading and on its own page: a short receipt number that can be read over the phone,
 * and what the base has sent and still lacks.
 *
 * Receipt numbers are `<year>-<sequence>` (2023-0158: four digits, more once past 9999), counted per year in the
 * record store's conditional counter (./upload-receipt-number.ts). The number is drawn when a session opens and
 * recorded on the submission (`Submission.receipt`, through the composed message's header), where staff search for
 * it; a session opened before that (none stored) gets one here at completion, put on the submission when it exists.
 * It is kept beside the session (`uploads/<id>/receipt.json`, so a repeated completion shows the same one) and filed
 * under `uploads/receipts/<number>.json` (which session and submission it names; both expire with `uploads/`).
 *
 * What the base still lacks is told only where the sender is known for the base: the rule of the acknowledgement
 * (knownForBase in ./acknowledge-send.ts) decides, for the address typed into the form or the base's own link.
 */
import type { Round } from '../domain/catalogue.ts';
import { describeBase, PENDING_NOTE, stateName } from '../domain/notice-text.ts';
import type { BaseStatus } from '../domain/records.ts';
import { BlobNotFoundError } from '../ports/index.ts';
import { knownForBase } from './acknowledge-send.ts';
import type { AppContext } from './context.ts';
import { evaluateBase } from './evaluate.ts';
import { listRegistry } from './registry.ts';
import { drawReceiptNumber } from './upload-receipt-number.ts';
import { getUploadSession, UPLOAD_SESSION_PREFIX, type UploadCompletion } from './upload-sessions.ts';

export { formatReceiptNumber, receiptYear } from './upload-receipt-number.ts';

/**
 * Where receipt numbers are filed, one object per number: under uploads/, where the API function may write (and
 * which the bucket's lifecycle rule expires with the portal's files).
 */
export const UPLOAD_RECEIPT_PREFIX = `${UPLOAD_SESSION_PREFIX}receipts/`;

/** What the receipt tells about the base's material (words ready to show). */
export interface ReceiptStatus {
  title: string;
  /** 材料齐全 / 材料不完整 / 材料已收到，待核实. */
  state?: string;
  /** What is still missing. */
  lines: string[];
  /** Evidence received that staff still have to place (待核实): not missing. */
  pending?: string[];
  note?: string;
  /** The base's own page, where it may look again. */
  link?: string;
}

/** A receipt: the number, and the base's material as far as the sender may hear it. */
export interface UploadReceipt {
  number: string;
  status: ReceiptStatus;
}

async function readJson<T>(ctx: AppContext, key: string): Promise<T | null> {
  try {
    return JSON.parse((await ctx.blobs.get(key)).toString('utf8')) as T;
  } catch (error) {
    if (error instanceof BlobNotFoundError) return null;
    throw error;
  }
}

/**
 * The receipt number of a completed session: the one drawn when it opened, the one given before, or (a session
 * opened before numbers were drawn at opening) the next of the year, then also put on the submission if it is
 * recorded already. Two completions of such an old session racing each other may both draw a number (the later one
 * is kept; the other is a gap).
 */
export async function receiptNumberFor(
  ctx: AppContext,
  sessionId: string,
  completion: UploadCompletion,
): Promise<string> {
  const key = `${UPLOAD_SESSION_PREFIX}${sessionId}/receipt.json`;
  const known = await readJson<{ number?: unknown }>(ctx, key);
  if (typeof known?.number === 'string') return known.number;
  const drawn = (await getUploadSession(ctx, sessionId))?.receipt ?? null;
  const number = drawn ?? (await drawReceiptNumber(ctx));
  if (!drawn) await noteOnSubmission(ctx, completion.submissionId, number);
  const filed = { number, sessionId, submissionId: completion.submissionId, receivedAt: completion.receivedAt };
  const body = Buffer.from(`${JSON.stringify(filed)}\n`);
  await ctx.blobs.put(`${UPLOAD_RECEIPT_PREFIX}${number}.json`, body, { contentType: 'application/json' });
  await ctx.blobs.put(key, body, { contentType: 'application/json' });
  return number;
}

/** Puts a receipt number drawn late on its submission, if the submission is recorded and carries none. */
async function noteOnSubmission(ctx: AppContext, submissionId: string, number: string): Promise<void> {
  const submission = await ctx.records.submissions.get(submissionId);
  if (submission && !submission.receipt) await ctx.records.submissions.save({ ...submission, receipt: number });
}

/** A base's material in words: state, what is missing, what waits for staff (待核实), files received. */
export interface BaseMaterial {
  state: string;
  complete: boolean;
  missing: string[];
  pending: string[];
  files: string[];
  paper: string;
  received: string;
  /** Which of the three kinds of material the base still lacks (the upload page's checklist). */
  lacks: { reportForm: boolean; selfAssessment: boolean; evidence: number };
}

/** Words for a base's status, as the acknowledgement says them. */
export function materialOf(round: Round, status: BaseStatus): BaseMaterial {
  const facts = describeBase(round, status, []);
  // One line per kind, as the acknowledgement words it: 39 「证明材料：…」 lines would bury the two documents.
  const missing = [
    ...facts.missingDocuments,
    ...(facts.missingFormItems.length > 0 ? [`报告表未填项目：${facts.missingFormItems.join('；')}`] : []),
    ...(facts.missingEvidence.length > 0
      ? [`证明材料（${facts.missingEvidence.length}项）：${facts.missingEvidence.join('；')}`]
      : []),
  ];
  return {
    state: stateName(status),
    complete: status.state === 'complete',
    missing,
    pending: facts.pendingEvidence,
    files: facts.files,
    paper: facts.paper,
    received: facts.received,
    lacks: {
      reportForm: status.missing.documents.includes('report-form') || status.missing.formItems.length > 0,
      selfAssessment: status.missing.documents.includes('self-assessment'),
      evidence: status.missing.evidence.length,
    },
  };
}

/**
 * A base's material now (computed, not stored: reading a page changes nothing). As for an acknowledgement, "now" is
 * never before the last arrival: a storage clock a little ahead of this one must not hide what it received.
 */
export async function baseMaterial(ctx: AppContext, baseId: string): Promise<BaseMaterial> {
  const last = (await ctx.records.submissions.listByBase(baseId)).reduce(
    (latest, s) => Math.max(latest, Date.parse(s.receivedAt) || 0),
    0,
  );
  const asOf = new Date(Math.max(ctx.clock.now().getTime(), last));
  return materialOf(ctx.round, await evaluateBase(ctx, { baseId, asOf }));
}

/**
 * The receipt of a completed session. `ownPage`: the base's own page, where a sender who may hear its status can
 * look again.
 */
export async function uploadReceipt(
  ctx: AppContext,
  sessionId: string,
  completion: UploadCompletion,
  ownPage: (baseId: string) => string | null = () => null,
): Promise<UploadReceipt> {
  const number = await receiptNumberFor(ctx, sessionId, completion);
  return { number, status: await receiptStatus(ctx, sessionId, completion, ownPage) };
}

async function receiptStatus(
  ctx: AppContext,
  sessionId: string,
  completion: UploadCompletion,
  ownPage: (baseId: string) => string | null,
): Promise<ReceiptStatus> {
  const title = '本基地材料情况';
  const [session, submission] = await Promise.all([
    getUploadSession(ctx, sessionId),
    ctx.records.submissions.get(completion.submissionId),
  ]);
  if (!submission || submission.state === 'received') {
    return { title, lines: [], note: '材料经安全检查后读取，读取后即核对本基地材料是否齐全，核对结果以邮件回执告知。' };
  }
  const base = submission.baseId ? (await listRegistry(ctx)).find((b) => b.id === submission.baseId) : undefined;
  if (!base) {
    return {
      title,
      lines: [],
      note: '填写的基地名称与参评基地名单不一致，材料已保存，省商务厅核对后归入对应基地。',
    };
  }
  if (!base.participating) {
    return { title, lines: [], note: `经核对，“${base.name}”不在本年度参评基地名单内，材料已保存。` };
  }
  const to = session?.uploader?.trim() ?? '';
  // An empty address is known for nothing: only the base's own link vouches without one.
  const known = (to !== '' || session?.linkedBase === base.id) && (await knownForBase(ctx, submission, base.id, to));
  if (!known) {
    return {
      title,
      lines: [],
      note: '本基地材料是否齐全，只告知已登记的基地联系邮箱，或通过本基地专用上传链接提交的用户。如需查询，请使用基地此前报送材料的邮箱，或向所在市商务局（综改示范区管委会）索取本基地专用链接。',
    };
  }
  const material = await baseMaterial(ctx, base.id);
  const link = ownPage(base.id);
  return {
    title:
      material.missing.length > 0
        ? '截至目前，本基地电子材料仍缺少：'
        : material.pending.length > 0
          ? '截至目前，本基地应报送的电子材料均已收到。'
          : '截至目前，本基地电子材料已齐全。',
    state: material.state,
    lines: material.missing,
    ...(material.pending.length > 0 ? { pending: material.pending, note: PENDING_NOTE } : {}),
    ...(link ? { link } : {}),
  };
}
