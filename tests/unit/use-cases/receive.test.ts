/**
 * Receive's rules on their own: which channel an inbox key is, where pickup and the portal store a message, and
 * which receive time stands (the mailbox's Received: stamp for SES and CLI files, the transport's for the rest).
 * The stored-message path (scan gate, quarantine, reprocess) runs through the ingest function's tests on the local
 * stack (tests/unit/functions/handlers-local.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { channelOfInboxKey, imapInboxKey, receivedAtOf, uploadInboxKey } from '../../../shared/use-cases/receive.ts';

describe('the inbox layout', () => {
  it.each([
    ['inbox/0a1b2c3d4e', 'ses'],
    [imapInboxKey('收件箱/评价材料', '1700000000', 42), 'imap'],
    [uploadInboxKey('u-123'), 'upload'],
    ['inbox/imapx/1.eml', 'ses'],
  ])('reads %s as %s', (key, channel) => {
    // Act
    const read = channelOfInboxKey(key);

    // Assess
    expect(read).toBe(channel);
  });

  it('keys a picked-up message by mailbox, UIDVALIDITY and UID (a re-run writes the same key)', () => {
    // Act
    const key = imapInboxKey('INBOX/材料', '1700000000', 42);

    // Assess
    expect(key).toBe('inbox/imap/INBOX%2F%E6%9D%90%E6%96%99/1700000000-42.eml');
  });
});

describe('the receive time', () => {
  const transport = new Date('2023-11-10T16:30:00Z');
  const header = new Date('2023-11-10T15:59:00Z');

  it.each([
    ['ses', header, true],
    ['cli', header, true],
    ['imap', transport, false],
    ['smtp', transport, false],
    ['upload', transport, false],
  ] as const)('takes for %s the %s', (channel, at, fromHeader) => {
    // Act
    const received = receivedAtOf(channel, transport, header);

    // Assess
    expect(received).toEqual({ at, fromHeader });
  });

  it('keeps the transport time when the message has no Received: stamp', () => {
    // Act
    const received = receivedAtOf('ses', transport, null);

    // Assess
    expect(received).toEqual({ at: transport, fromHeader: false });
  });
});
