/**
 * The short receipt number of a portal upload (`2023-0158`, read over the phone) and how it reaches the submission.
 *
 * The number is drawn when the upload session opens (the record store's conditional counter: a conditional put on
 * one counter item, retried on conflict, so concurrent sessions in any number of processes never share a number;
 * dynalite has no transactions and needs none here) and kept in the session. The completion writes it into the
 * composed message as the X-Intake-Upload-Receipt header, so repeated or concurrent completions still compose the
 * same bytes, and intake records it on the submission (`Submission.receipt`) whichever way the message is ingested:
 * at once (locally) or later by the inbox's S3 event (AWS), and again on a reprocess. A session opened and never
 * completed leaves a gap in the sequence, which is harmless: a number only has to name one submission.
 */
import type { Round } from '../domain/catalogue.ts';
import type { UsingRecords } from './context.ts';

/** The header of a composed upload message that carries its receipt number (set by the server only). */
export const UPLOAD_RECEIPT_HEADER = 'X-Intake-Upload-Receipt';

/** What a receipt number looks like: the year, a hyphen, four or more digits. */
export const RECEIPT_NUMBER = /^\d{4}-\d{4,}$/;

/** `2023-0158`. */
export function formatReceiptNumber(year: string, sequence: number): string {
  return `${year}-${String(sequence).padStart(4, '0')}`;
}

/** The year receipt numbers of a round carry: the year of its deadline. */
export function receiptYear(round: Pick<Round, 'deadline'>): string {
  return round.deadline.slice(0, 4);
}

/** The counter item of a year's receipt numbers (kept where base revisions are: one conditional counter). */
function counterOf(year: string): string {
  return `upload-receipts-${year}`;
}

/** The next receipt number of the round's year. */
export async function drawReceiptNumber(ctx: UsingRecords<'statuses', 'round'>): Promise<string> {
  const year = receiptYear(ctx.round);
  return formatReceiptNumber(year, await ctx.records.statuses.bumpRevision(counterOf(year)));
}

/**
 * The receipt number a composed upload message carries in its header block, or null. The server writes the header
 * as one unfolded line; anything else (two of them, another form) is not the server's and is ignored.
 */
export function receiptOfHead(head: Buffer): string | null {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const name = UPLOAD_RECEIPT_HEADER.toLowerCase();
  const values = (end < 0 ? text : text.slice(0, end))
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(`${name}:`))
    .map((line) => line.slice(name.length + 1).trim());
  return values.length === 1 && RECEIPT_NUMBER.test(values[0] ?? '') ? (values[0] ?? null) : null;
}

/** A text typed into a search box, as a receipt number (`2023-0158`, also with full-width digits or 〇/－), or null. */
export function asReceiptNumber(text: string): string | null {
  const plain = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[－—–‐]/g, '-')
    .replace(/\s+/g, '');
  return RECEIPT_NUMBER.test(plain) ? plain : null;
}
