/**
 * A received message's bytes as intake reads them: whole in memory (CLI, SMTP, IMAP, uploads) or streamed from the
 * blob store where the receiving service put them (SES), so that a large message is never whole in memory.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MAX_HEADER_BYTES } from '../parsing/email.ts';
import type { BlobStore } from '../ports/index.ts';

/** The bytes of one message, for one reading. */
export interface RawSource {
  /** Size in bytes. */
  size: number;
  /** The first bytes: the header block, up to MAX_HEADER_BYTES. */
  head: Buffer;
  /** The whole message, when it is in memory. */
  buffer: Buffer | null;
  /** The bytes for the parser; a stream can be taken once. */
  body(): Buffer | Readable;
  /** SHA-256 (hex) of all the bytes: for a stream, reads what the parser left (if anything) first. */
  finish(): Promise<string>;
}

/** A message already in memory. */
export function bufferSource(raw: Buffer): RawSource {
  const digest = createHash('sha256').update(raw).digest('hex');
  return {
    size: raw.length,
    head: raw.subarray(0, MAX_HEADER_BYTES),
    buffer: raw,
    body: () => raw,
    finish: async () => digest,
  };
}

/**
 * A stored message, read as a stream: its header block is read ahead (intake decides on it before opening the
 * message), and every byte is hashed on its way to the parser.
 */
export async function storedSource(blobs: BlobStore, key: string): Promise<RawSource> {
  const { body, size } = await blobs.read(key);
  const source = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const hash = createHash('sha256');
  let seen = 0;
  /** Chunks read ahead for the header block, not yet handed to the parser. */
  const ahead: Buffer[] = [];
  let ended = false;
  const next = async (): Promise<Buffer | null> => {
    const held = ahead.shift();
    if (held) return held;
    if (ended) return null;
    const step = await source.next();
    if (step.done) {
      ended = true;
      return null;
    }
    const chunk = Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
    hash.update(chunk);
    seen += chunk.length;
    return chunk;
  };
  let headSize = 0;
  while (headSize < MAX_HEADER_BYTES && !ended) {
    const chunk = await next();
    if (!chunk) break;
    ahead.push(chunk);
    headSize += chunk.length;
    const sofar = Buffer.concat(ahead);
    if (sofar.includes('\r\n\r\n') || sofar.includes('\n\n')) break;
  }
  const head = Buffer.concat(ahead).subarray(0, MAX_HEADER_BYTES);
  let taken = false;
  let digest: Promise<string> | null = null;
  return {
    size: size ?? Number.NaN,
    head,
    buffer: null,
    body() {
      if (taken) throw new Error(`${key}: the stream was taken already`);
      taken = true;
      return Readable.from(
        (async function* chunks() {
          for (let chunk = await next(); chunk; chunk = await next()) yield chunk;
        })(),
        { objectMode: false },
      );
    },
    finish() {
      digest ??= (async () => {
        while (await next());
        if (size !== null && seen !== size) throw new Error(`${key}: ${seen} bytes read, ${size} announced`);
        return hash.digest('hex');
      })();
      return digest;
    },
  };
}
