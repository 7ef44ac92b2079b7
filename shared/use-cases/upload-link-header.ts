/**
 * The mark an upload made through a base's own link leaves on the message it becomes: the X-Intake-Upload-Link
 * header, written by the server only (upload-sessions.ts), read back when the acknowledgement decides whether the
 * uploader may hear the base's status (acknowledge-send.ts). The links themselves are signed in
 * shared/access/upload-links.ts.
 */
import type { Readable } from 'node:stream';
import { readHeaderBlock } from '../parsing/header-block.ts';

/** The header of a composed upload message that says which base's link it came with (set by the server only). */
export const UPLOAD_LINK_HEADER = 'X-Intake-Upload-Link';

/**
 * The base named by a stored upload message's X-Intake-Upload-Link header, or null. Reads only the header block
 * (composed by the server: one unfolded line), so it needs no MIME parser.
 */
export async function linkedBaseOf(message: Readable): Promise<string | null> {
  const head = (await readHeaderBlock(message)).toString('latin1');
  const name = UPLOAD_LINK_HEADER.toLowerCase();
  const values = head
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(`${name}:`))
    .map((line) => line.slice(name.length + 1).trim());
  // One header, one plain id: anything else is not the server's.
  return values.length === 1 && /^[\w-]{1,64}$/.test(values[0] ?? '') ? (values[0] ?? null) : null;
}
