/**
 * The header block of a stored message, read from the start of its stream and no further: the headers that decide
 * an answer (reply-headers.ts) or mark an upload (use-cases/upload-link-header.ts) are in its first few KB. No MIME
 * parser, so the functions that only need this (notify) do not bundle one.
 */
import type { Readable } from 'node:stream';

/** Longest header block read (larger blocks are cut; the headers that matter come first). */
export const MAX_HEAD_BYTES = 256 * 1024;

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

/** Where the header block ends (the first empty line), or -1. */
export function headerEnd(data: Buffer): number {
  const text = data.toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  if (crlf < 0) return lf;
  if (lf < 0) return crlf;
  return Math.min(crlf, lf);
}
