/**
 * The header facts that decide whether a stored message may be answered automatically, read from its header block
 * only (a message can be tens of MB; the answer is in its first few KB).
 */
import type { Readable } from 'node:stream';
import type { ReplyFacts } from '../domain/auto-reply.ts';
import { readMessage, receiptVerdicts } from './email.ts';

/** Longest header block read (larger blocks are cut; the headers that matter come first). */
const MAX_HEAD_BYTES = 256 * 1024;

/** Reads the header block (up to the first empty line) from the start of a message stream, then stops reading. */
export async function readHeaderBlock(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer);
      size += buffer.length;
      const head = Buffer.concat(chunks);
      const end = headerEnd(head);
      if (end >= 0) return head.subarray(0, end);
      if (size >= MAX_HEAD_BYTES) return head.subarray(0, MAX_HEAD_BYTES);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** The facts of ReplyFacts from a header block (or a whole message: only its headers are read). */
export async function readReplyFacts(raw: Buffer): Promise<ReplyFacts> {
  const end = headerEnd(raw);
  const head = end >= 0 ? raw.subarray(0, end) : raw.subarray(0, MAX_HEAD_BYTES);
  const facts = await readMessage(Buffer.concat([head, Buffer.from('\r\n\r\n')]), async (attachment) => {
    attachment.content.resume();
  });
  const headers = unfold(head);
  const first = (name: string) => headers.find((h) => h.name === name)?.value ?? null;
  const verdicts = receiptVerdicts(head);
  return {
    fromAddress: facts.fromAddress,
    autoSubmitted: facts.autoSubmitted,
    precedence: facts.precedence,
    listId: first('list-id'),
    returnPath: first('return-path'),
    autoResponseSuppress: first('x-auto-response-suppress'),
    verdicts: { spf: verdicts.spf, dkim: verdicts.dkim, dmarc: verdicts.dmarc },
  };
}

function headerEnd(data: Buffer): number {
  const text = data.toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  if (crlf < 0) return lf;
  if (lf < 0) return crlf;
  return Math.min(crlf, lf);
}

function unfold(head: Buffer): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const line of head.toString('latin1').split(/\r?\n/)) {
    const last = out.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) out.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return out;
}
