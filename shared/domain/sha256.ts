/** SHA-256 as lowercase hex: the identity of a stored file, of a raw message without a known id, of a notice's content. */
import { createHash } from 'node:crypto';

/** The SHA-256 of bytes, or of text as UTF-8, in lowercase hex. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
