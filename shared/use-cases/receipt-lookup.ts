/**
 * Finding a portal upload by the receipt number the base was shown (`2023-0158`), for the search box, the log's
 * filter and `intake status --receipt`: the submission carries it (`Submission.receipt`); the number's file under
 * uploads/receipts/ answers too while it lasts (it expires with uploads/), for a submission recorded before
 * receipts were kept on submissions. Needs no record method of its own: a round holds hundreds of submissions.
 */
import type { Base } from '../domain/catalogue.ts';
import type { Submission } from '../domain/records.ts';
import { BlobNotFoundError } from '../ports/index.ts';
import type { AppContext } from './context.ts';
import { listRegistry } from './registry.ts';
import { asReceiptNumber } from './upload-receipt-number.ts';
import { UPLOAD_RECEIPT_PREFIX } from './upload-receipts.ts';

/** What a receipt number names: the submission, and its base once it belongs to one. */
export interface ReceiptMatch {
  number: string;
  submission: Submission;
  base: Base | null;
}

/**
 * The submission a receipt number (`2023-0158`, as typed: full-width digits too) was given for, or null (not a
 * number, or no such receipt). Read from the submissions' own `receipt`; the number's file under uploads/receipts/
 * answers too while it lasts, for a submission recorded before receipts were kept on it.
 */
export async function findByReceipt(ctx: AppContext, text: string): Promise<ReceiptMatch | null> {
  const number = asReceiptNumber(text);
  if (!number) return null;
  const found = async (submission: Submission | null | undefined): Promise<ReceiptMatch | null> =>
    submission
      ? { number, submission, base: (await listRegistry(ctx)).find((b) => b.id === submission.baseId) ?? null }
      : null;
  let filed: string | null = null;
  try {
    const record = JSON.parse((await ctx.blobs.get(`${UPLOAD_RECEIPT_PREFIX}${number}.json`)).toString('utf8'));
    filed = typeof record?.submissionId === 'string' ? record.submissionId : null;
  } catch (error) {
    if (!(error instanceof BlobNotFoundError) && !(error instanceof SyntaxError)) throw error;
  }
  const byFile = filed ? await ctx.records.submissions.get(filed) : null;
  if (byFile && (!byFile.receipt || byFile.receipt === number)) return found(byFile);
  const all = await ctx.records.submissions.listAll();
  // A redelivered copy (duplicate) carries the number too: the submission it repeats is the one staff look for.
  const holders = all.filter((s) => s.receipt === number);
  return found(holders.find((s) => s.state !== 'duplicate') ?? holders[0]);
}
