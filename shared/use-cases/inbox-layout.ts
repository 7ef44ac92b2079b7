/**
 * Where mail waits for intake in the blob store, and which channel wrote it: SES's receipt rule writes
 * `inbox/<SES id>`, IMAP pickup in inbox mode `inbox/imap/<mailbox>/<uidvalidity>-<uid>.eml`, the upload portal
 * `inbox/upload/<session>.eml`. Part of receive (receive.ts), kept apart so that the writers load nothing else.
 */
import type { Channel } from '../domain/records.ts';

/** Where mail waits for intake, and the prefixes our own channels write under (SES writes `inbox/<id>`). */
export const INBOX_PREFIX = 'inbox/';
export const IMAP_INBOX_PREFIX = 'inbox/imap/';
export const UPLOAD_INBOX_PREFIX = 'inbox/upload/';

/** Prefixes of `inbox/` written by our own channels rather than SES. */
export const INBOX_CHANNEL_PREFIXES: readonly { prefix: string; channel: Channel }[] = [
  { prefix: IMAP_INBOX_PREFIX, channel: 'imap' },
  { prefix: UPLOAD_INBOX_PREFIX, channel: 'upload' },
];

/** The channel a stored message came by, from its key. */
export function channelOfInboxKey(key: string): Channel {
  return INBOX_CHANNEL_PREFIXES.find((entry) => key.startsWith(entry.prefix))?.channel ?? 'ses';
}

/** Where IMAP pickup stores one message: mailbox, UIDVALIDITY and UID make it unique and a re-run idempotent. */
export function imapInboxKey(mailbox: string, uidValidity: bigint | number | string, uid: number): string {
  return `${IMAP_INBOX_PREFIX}${encodeURIComponent(mailbox)}/${uidValidity}-${uid}.eml`;
}

/** Where the portal stores a completed session's message. */
export function uploadInboxKey(sessionId: string): string {
  return `${UPLOAD_INBOX_PREFIX}${sessionId}.eml`;
}
