/**
 * Reading a raw message: the header facts the pipeline relies on (receive time, Message-ID, sender) and the
 * attachments. Decoding is mailparser's (streaming `MailParser`): attachments are handed over one at a time, so
 * memory holds at most one attachment, whatever the size of the message.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type iconvLite from 'iconv-lite';
import type { AddressObject, AttachmentStream, Headers, MessageText } from 'mailparser';
import { type Finding, finding } from '../domain/findings.ts';

/** An attachment as the streaming reader hands it over: its content is read from the stream. */
export interface MailAttachmentStream {
  fileName: string;
  contentType: string;
  content: Readable;
}

/** The header facts and text of a message (attachments go to the callback). */
export interface MessageFacts {
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
  /** Auto-Submitted / Precedence, to avoid answering robots. */
  autoSubmitted: string | null;
  precedence: string | null;
  attachmentCount: number;
  /** Verdicts the receiving service stamped (SES: X-SES-*-Verdict, Authentication-Results). */
  verdicts: MailVerdicts;
  findings: Finding[];
}

/** Verdicts on a received message; null where the receiving service gave none. */
export interface MailVerdicts {
  spam: string | null;
  virus: string | null;
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
}

/** Size of the pieces the parser is fed (that of a file read stream). */
const PARSE_CHUNK_BYTES = 64 * 1024;
/** Longest header block looked at for Received: lines (a header block is rarely over a few KB). */
export const MAX_HEADER_BYTES = 256 * 1024;
/**
 * MIME parts a message may have before the parser stops (mailsplit's `maxChildNodes`): a real submission has tens;
 * the attachments read are bounded further by the intake's `maxAttachments`.
 */
export const MAX_MIME_PARTS = 5_000;
/** Latest bytes of a streamed message kept to find an attachment's raw 8-bit name in (see SeenBytes). */
const RECENT_BYTES = 1024 * 1024;

/**
 * Streams a message: calls `onAttachment` for each attachment in order and waits for it (it must read the content
 * stream) before the parser goes on. The message is a buffer, or a stream (read from the blob store as it arrives,
 * so that a large message is never whole in memory). Bad input yields findings; only `onAttachment`'s own errors
 * are thrown.
 */
export async function readMessage(
  source: Buffer | Readable,
  onAttachment: (attachment: MailAttachmentStream) => Promise<void>,
): Promise<MessageFacts> {
  const { MailParser } = await mimeLibraries();
  const findings: Finding[] = [];
  const seen = Buffer.isBuffer(source) ? null : new SeenBytes();
  const raw = Buffer.isBuffer(source) ? source : null;
  /** The header block (the functions below look no further than MAX_HEADER_BYTES). */
  const head = (): Buffer => raw ?? seen?.head() ?? Buffer.alloc(0);
  const parser = new MailParser({
    // mailsplit's own cap (1000 parts) would end the parse with a bare error; ours is counted and named below.
    maxChildNodes: MAX_MIME_PARTS,
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    checksumAlgo: false,
  } as ConstructorParameters<typeof MailParser>[0]);
  let headers: Headers | null = null;
  let text = '';
  let count = 0;
  let callbackError: Error | null = null;

  const parsed = new Promise<void>((resolve) => {
    parser.on('headers', (h: Headers) => {
      headers = h;
    });
    parser.on('error', (error: Error) => {
      findings.push(
        /child nodes exceeded/i.test(error.message)
          ? finding(
              'mail.too-many-parts',
              `邮件包含的部分超过${MAX_MIME_PARTS}个，只读取了前${count}个附件，其余附件未读取（原始邮件已保存）。请将材料压缩为zip文件或分几封邮件发送。`,
              { messageEn: `More than ${MAX_MIME_PARTS} MIME parts: ${count} attachment(s) read, the rest not.` },
            )
          : finding('mail.unparseable', '邮件格式无法完整解析，原始邮件已保存，请人工查看。', {
              messageEn: `The message could not be parsed completely: ${error.message}`,
            }),
      );
      resolve();
    });
    parser.on('end', () => resolve());
    let reading = false;
    const read = (): void => {
      reading = true;
      const data = parser.read() as AttachmentStream | MessageText | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        text = data.text ?? '';
        read();
        return;
      }
      count++;
      const index = count;
      const attachment: MailAttachmentStream = {
        fileName:
          decodeRawName(() => raw ?? seen?.recent() ?? Buffer.alloc(0), data.filename?.trim()) ||
          `attachment-${index}${extensionFor(data.contentType)}`,
        contentType: data.contentType || 'application/octet-stream',
        content: data.content,
      };
      onAttachment(attachment)
        .catch((error: Error) => {
          callbackError ??= error;
          data.content.resume();
        })
        .finally(() => {
          data.release?.();
          read();
        });
    };
    parser.on('readable', () => {
      if (!reading) read();
    });
  });
  if (Buffer.isBuffer(source)) Readable.from(slices(source)).pipe(parser);
  else if (seen) {
    source.on('error', (error: Error) => parser.emit('error', error));
    source.pipe(seen).pipe(new Sliced()).pipe(parser);
  }
  await parsed;
  if (callbackError) throw callbackError;

  const h = headers as Headers | null;
  const from = h?.get('from') as AddressObject | undefined;
  const date = h?.get('date');
  const sentAt = date instanceof Date && !Number.isNaN(date.getTime()) ? date : null;
  if (count === 0) {
    findings.push(
      finding('mail.no-attachments', '邮件没有附件：未收到报告表、自评报告或证明材料。', {
        messageEn: 'The message has no attachments.',
      }),
    );
  }
  return {
    messageId: headerText(h?.get('message-id'))?.trim() || null,
    from: from?.text ?? null,
    fromAddress: firstAddress(from),
    subject: decodeSubject(head(), headerText(h?.get('subject'))),
    sentAt,
    receivedAt: topmostReceivedTime(head()),
    text,
    autoSubmitted: headerText(h?.get('auto-submitted')),
    precedence: headerText(h?.get('precedence')),
    attachmentCount: count,
    verdicts: receiptVerdicts(head()),
    findings,
  };
}

/**
 * Verdicts from the topmost header block: SES adds X-SES-Spam-Verdict / X-SES-Virus-Verdict and an
 * Authentication-Results header (spf=, dkim=, dmarc=) to the messages its receipt rules store. Only the first
 * occurrence counts, since a sender can put fake ones further down.
 */
export function receiptVerdicts(raw: Buffer): MailVerdicts {
  const headers = unfoldedHeaders(raw);
  const first = (name: string) => headers.find((h) => h.name === name)?.value ?? null;
  const verdict = (name: string) => first(name)?.trim().toUpperCase() ?? null;
  const auth = first('authentication-results') ?? '';
  const method = (name: string) => new RegExp(`\\b${name}=([a-z]+)`, 'i').exec(auth)?.[1]?.toUpperCase() ?? null;
  return {
    spam: verdict('x-ses-spam-verdict'),
    virus: verdict('x-ses-virus-verdict'),
    spf:
      method('spf') ??
      /^\s*(pass|fail|softfail|neutral|none)/i.exec(first('received-spf') ?? '')?.[1]?.toUpperCase() ??
      null,
    dkim: method('dkim'),
    dmarc: method('dmarc'),
  };
}

function unfoldedHeaders(raw: Buffer): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const line of headerLines(raw)) {
    if (/^[ \t]/.test(line) && out.length > 0) {
      out[out.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) out.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return out;
}

/**
 * A message (or a large piece of one) in 64 KB views (no copies). Handed over as one chunk, a 40 MB message makes the MIME splitter and the
 * base64 decoder work on one huge buffer and string (measured: 2.7 times slower, attachments come out as one
 * multi-MB chunk); in file-stream-sized pieces the parse runs as fast as from disk.
 */
function* slices(raw: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < raw.length; offset += PARSE_CHUNK_BYTES) {
    yield raw.subarray(offset, offset + PARSE_CHUNK_BYTES);
  }
}

/** Cuts a stream's chunks to the size the parser is fast with (an HTTP body comes in pieces of up to MBs). */
class Sliced extends Transform {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (const slice of slices(chunk)) this.push(slice);
    done();
  }
}

/** Bytes of a streamed message kept for the header functions: the header block, and the latest ones. */
class SeenBytes extends Transform {
  private readonly first: Buffer[] = [];
  private firstSize = 0;
  private readonly latest: Buffer[] = [];
  private latestSize = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.firstSize < MAX_HEADER_BYTES) {
      const part = chunk.subarray(0, MAX_HEADER_BYTES - this.firstSize);
      this.first.push(part);
      this.firstSize += part.length;
    }
    this.latest.push(chunk);
    this.latestSize += chunk.length;
    while (this.latest.length > 1 && this.latestSize - (this.latest[0]?.length ?? 0) >= RECENT_BYTES) {
      this.latestSize -= this.latest.shift()?.length ?? 0;
    }
    done(null, chunk);
  }

  /** The first MAX_HEADER_BYTES of the message. */
  head(): Buffer {
    return Buffer.concat(this.first, this.firstSize);
  }

  /**
   * The last RECENT_BYTES passed to the parser, and the header block: when the parser hands over an attachment, its
   * part headers (where a raw 8-bit name stands) are among them, since the parser holds back only a few KB.
   */
  recent(): Buffer {
    return Buffer.concat([this.head(), ...this.latest]);
  }
}

/** The date of the topmost Received: header (added last, by the receiving mailbox), or null. */
export function topmostReceivedTime(raw: Buffer): Date | null {
  const lines = headerLines(raw);
  let received: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (!/^received:/i.test(lines[i] ?? '')) continue;
    received = lines[i] ?? '';
    for (let j = i + 1; j < lines.length && /^[ \t]/.test(lines[j] ?? ''); j++) {
      received += ` ${(lines[j] ?? '').trim()}`;
    }
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

function headerLines(raw: Buffer): string[] {
  const head = raw.subarray(0, MAX_HEADER_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  return (end >= 0 ? head.slice(0, end) : head).split(/\r?\n/);
}

/**
 * Chinese clients sometimes put raw GBK/GB18030/Big5 bytes in the Subject without RFC 2047 encoding; mailparser
 * then reads them as Latin-1. When the raw header has 8-bit bytes that are not UTF-8, decode them ourselves:
 * GB18030 when it decodes cleanly, else Big5.
 */
function decodeSubject(raw: Buffer, parsed: string | null): string | null {
  const head = raw.subarray(0, MAX_HEADER_BYTES);
  const text = head.toString('latin1');
  const match = /(?:^|\n)subject:[ \t]*((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)/i.exec(
    text.slice(0, text.search(/\r?\n\r?\n/) >>> 0),
  );
  if (!match?.[1] || !/[\x80-\xff]/.test(match[1]) || /=\?[^?]+\?[bq]\?/i.test(match[1])) return parsed?.trim() || null;
  const bytes = Buffer.from(match[1].replace(/\r?\n[ \t]/g, ' '), 'latin1');
  const utf8 = bytes.toString('utf8');
  if (!utf8.includes('\uFFFD')) {
    // Valid UTF-8, but every non-ASCII character in Latin-1: legacy bytes that were once read as Latin-1 and
    // saved again as UTF-8 (seen in forwarded mail); undo that and decode the original bytes.
    const nonAscii = [...utf8].filter((ch) => ch.charCodeAt(0) > 0x7f);
    if (nonAscii.length === 0 || nonAscii.some((ch) => ch.charCodeAt(0) > 0xff)) return utf8.trim() || null;
    return decodeLegacy(Buffer.from(utf8, 'latin1')) ?? (utf8.trim() || null);
  }
  return decodeLegacy(bytes) ?? (parsed?.trim() || null);
}

/**
 * A file name written as raw 8-bit bytes (name="..." without RFC 2047/2231) reaches us as Latin-1 when the bytes
 * are not UTF-8: Chinese clients write GBK there. Decoded as legacy Chinese, but only when those very bytes stand
 * in the raw message, so that a Latin-1 name that was properly encoded (filename*=ISO-8859-1''...) stays as it is.
 */
function decodeRawName(raw: () => Buffer, name: string | undefined): string | undefined {
  if (!name || /[^\x00-\xff]/.test(name)) return name;
  const run = /[\x80-\xff]+/.exec(name)?.[0];
  if (!run || !raw().includes(Buffer.from(run, 'latin1'))) return name;
  return decodeLegacy(Buffer.from(name, 'latin1')) ?? name;
}

/** The MIME parser and the legacy-charset decoder (~0.8 MB with their tables), loaded with the first message. */
let mime: Promise<{ MailParser: typeof import('mailparser').MailParser }> | undefined;
let iconv: typeof iconvLite | undefined;

function mimeLibraries(): Promise<{ MailParser: typeof import('mailparser').MailParser }> {
  mime ??= Promise.all([import('mailparser'), import('iconv-lite')]).then(([mailparser, legacy]) => {
    iconv = legacy.default;
    return { MailParser: mailparser.MailParser };
  });
  // A failed load (it should not happen) is tried again by the next message.
  mime.catch(() => {
    mime = undefined;
  });
  return mime;
}

/** Decodes legacy Chinese bytes: GB18030 when it reads as common Chinese, else Big5; null when neither fits. */
function decodeLegacy(bytes: Buffer): string | null {
  // Only reached from readMessage, which loaded iconv-lite first.
  if (!iconv) throw new Error('iconv-lite is loaded by readMessage');
  for (const charset of ['gb18030', 'big5']) {
    const decoded = iconv.decode(bytes, charset);
    if (!decoded.includes('\uFFFD') && looksChinese(decoded)) return decoded.trim() || null;
  }
  return null;
}

/** True when most non-ASCII characters are common CJK ideographs (GB18030 decodes Big5 bytes into rare ones). */
function looksChinese(text: string): boolean {
  const wide = [...text].filter((ch) => ch.charCodeAt(0) > 0x7f);
  if (wide.length === 0) return true;
  const cjk = wide.filter((ch) => /[\u4e00-\u9fa5\u3000-\u303f\uff00-\uffef]/.test(ch));
  return cjk.length / wide.length > 0.9;
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
  'message/rfc822': '.eml',
  'image/jpeg': '.jpg',
  'image/png': '.png',
};

function extensionFor(contentType: string | undefined): string {
  return EXTENSIONS[contentType ?? ''] ?? '.bin';
}
