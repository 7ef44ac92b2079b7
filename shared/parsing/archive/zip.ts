/** The zip reader (yauzl) as expansion uses it: open, list the central directory, stream one member within caps. */
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { RATIO_CHECK_FLOOR, ratioOf } from './limits.ts';

export function openZip(data: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      data,
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false },
      (error, zip) => (error ? reject(error) : resolve(zip)),
    );
  });
}

/** The central directory, read before any data so that names can be decoded for the archive as a whole. */
export interface Listing {
  records: Entry[];
  /** True when the archive holds more records than were listed. */
  truncated: boolean;
}

export function listEntries(zip: ZipFile, cap: number): Promise<Listing> {
  return new Promise((resolve, reject) => {
    const records: Entry[] = [];
    const finish = (truncated: boolean): void => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
      resolve({ records, truncated });
    };
    const onEntry = (record: Entry): void => {
      records.push(record);
      if (records.length >= cap) finish(zip.entryCount > records.length);
      else zip.readEntry();
    };
    const onEnd = (): void => finish(false);
    const onError = (error: Error): void => {
      zip.removeListener('entry', onEntry);
      zip.removeListener('end', onEnd);
      zip.removeListener('error', onError);
      reject(error);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** What streaming one member gave. */
export type ReadOutcome =
  | { kind: 'ok'; content: Buffer; crc: number }
  | { kind: 'limit'; limit: 'entry' | 'total' | 'ratio' }
  | { kind: 'error'; error: Error };

/** Streams one member, counting bytes, and abandons it the moment a limit is crossed. */
export function readLimited(
  zip: ZipFile,
  record: Entry,
  caps: { maxBytes: number; totalLeft: number; maxRatio: number },
): Promise<ReadOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ReadOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    try {
      zip.openReadStream(record, (openError, stream) => {
        if (openError) return settle({ kind: 'error', error: openError });
        const chunks: Buffer[] = [];
        let count = 0;
        let crc = 0;
        stream.on('data', (chunk: Buffer) => {
          if (settled) return;
          const next = count + chunk.length;
          let limit: 'entry' | 'total' | 'ratio' | null = null;
          if (next > RATIO_CHECK_FLOOR && ratioOf(next, record) > caps.maxRatio) limit = 'ratio';
          else if (next > caps.maxBytes) limit = 'entry';
          else if (next > caps.totalLeft) limit = 'total';
          if (limit !== null) {
            settle({ kind: 'limit', limit });
            stream.destroy();
            return;
          }
          count = next;
          crc = crc32(chunk, crc);
          chunks.push(chunk);
        });
        stream.on('error', (error: Error) => settle({ kind: 'error', error }));
        stream.on('end', () => settle({ kind: 'ok', content: Buffer.concat(chunks, count), crc }));
      });
    } catch (error) {
      settle({ kind: 'error', error: error instanceof Error ? error : new Error(String(error)) });
    }
  });
}
