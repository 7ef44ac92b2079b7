/**
 * Reading a raw message: the header facts the pipeline relies on (receive time, Message-ID, sender) and the
 * attachments. Decoding is mailparser's; this module only decides what the pipeline takes from it.
 */
import { type AddressObject, simpleParser } from 'mailparser';
import { type Finding, finding } from '../domain/findings.ts';

/** An attachment of a message. */
export interface MailAttachment {
  fileName: string;
  contentType: string;
  content: Buffer;
}

/** What the pipeline takes from a raw message. */
export interface ParsedMessage {
  messageId: string | null;
  /** Sender as written (display name and address). */
  from: string | null;
  /** Sender address, lower-cased. */
  fromAddress: string | null;
  subject: string | null;
  /** The sender's Date: header; kept, never used for deadlines. */
  sentAt: Date | null;
  /** Time in the topmost Received: header (the receiving mailbox's own stamp). */
  receivedAt: Date | null;
  text: string;
  attachments: MailAttachment[];
  /** Auto-Submitted / Precedence, to avoid answering robots. */
  autoSubmitted: string | null;
  precedence: string | null;
  findings: Finding[];
}

/** Longest header block looked at for Received: lines (a header block is rarely over a few KB). */
const MAX_HEADER_BYTES = 256 * 1024;

/** Parses a raw message; bad input yields findings, never an exception. */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  const findings: Finding[] = [];
  const receivedAt = topmostReceivedTime(raw);
  try {
    const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
    const fromAddress = firstAddress(mail.from);
    const attachments = mail.attachments.map((attachment, index) => ({
      fileName: attachment.filename?.trim() || `attachment-${index + 1}${extensionFor(attachment.contentType)}`,
      contentType: attachment.contentType || 'application/octet-stream',
      content: attachment.content,
    }));
    if (attachments.length === 0) {
      findings.push(
        finding('mail.no-attachments', 'warning', '邮件没有附件：未收到报告表、自评报告或证明材料。', {
          messageEn: 'The message has no attachments.',
        }),
      );
    }
    return {
      messageId: mail.messageId?.trim() || null,
      from: mail.from?.text ?? null,
      fromAddress,
      subject: mail.subject?.trim() || null,
      sentAt: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
      receivedAt,
      text: mail.text ?? '',
      attachments,
      autoSubmitted: headerText(mail.headers.get('auto-submitted')),
      precedence: headerText(mail.headers.get('precedence')),
      findings,
    };
  } catch (error) {
    findings.push(
      finding('mail.unparseable', 'error', '邮件格式无法解析，原始邮件已保存，请人工查看。', {
        messageEn: `The message could not be parsed: ${(error as Error).message}`,
      }),
    );
    return {
      messageId: null,
      from: null,
      fromAddress: null,
      subject: null,
      sentAt: null,
      receivedAt,
      text: '',
      attachments: [],
      autoSubmitted: null,
      precedence: null,
      findings,
    };
  }
}

/** The date of the topmost Received: header (added last, by the receiving mailbox), or null. */
export function topmostReceivedTime(raw: Buffer): Date | null {
  const head = raw.subarray(0, MAX_HEADER_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const lines = (end >= 0 ? head.slice(0, end) : head).split(/\r?\n/);
  let received: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (!/^received:/i.test(lines[i] ?? '')) continue;
    received = lines[i] ?? '';
    for (let j = i + 1; j < lines.length && /^[ \t]/.test(lines[j] ?? ''); j++) received += ` ${(lines[j] ?? '').trim()}`;
    break;
  }
  if (!received) return null;
  const semicolon = received.lastIndexOf(';');
  if (semicolon < 0) return null;
  const text = received
    .slice(semicolon + 1)
    .replace(/\([^)]*\)/g, ' ')
    .trim();
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time);
}

function firstAddress(from: AddressObject | undefined): string | null {
  const address = from?.value.find((entry) => entry.address)?.address;
  return address ? address.toLowerCase() : null;
}

function headerText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return null;
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/zip': '.zip',
  'image/jpeg': '.jpg',
  'image/png': '.png',
};

function extensionFor(contentType: string | undefined): string {
  return EXTENSIONS[contentType ?? ''] ?? '.bin';
}
