import { describe, expect, it } from 'vitest';
import { readMessage, topmostReceivedTime } from '../../../shared/parsing/email.ts';
import { buildEmail } from '../../fixtures/email.ts';

/** Reads a message as intake does, keeping the names of the attachments handed over. */
async function read(raw: Buffer) {
  const attachments: string[] = [];
  const facts = await readMessage(raw, async (attachment) => {
    for await (const _ of attachment.content); // the reader waits for each attachment to be read
    attachments.push(attachment.fileName);
  });
  return { ...facts, attachments };
}

describe('readMessage', () => {
  it('decodes a GBK subject and RFC 2231 attachment names, and keeps the sender Date apart', async () => {
    // Prepare
    const raw = await buildEmail({
      subject: '【太原市】邮拓直播电商基地-综合评价材料',
      receivedAt: new Date('2023-11-10T15:59:59Z'),
      sentAt: new Date('2023-11-01T00:00:00Z'),
      attachments: [{ filename: '山西产品交易额构成明细（2022年9月-2023年8月）.xlsx', content: Buffer.from('x') }],
    });

    // Act
    const message = await read(raw);

    // Assess
    expect(raw.toString('latin1')).toContain('=?GBK?B?');
    expect(message.subject).toBe('【太原市】邮拓直播电商基地-综合评价材料');
    expect(message.attachments).toEqual(['山西产品交易额构成明细（2022年9月-2023年8月）.xlsx']);
    expect(message.receivedAt?.toISOString()).toBe('2023-11-10T15:59:59.000Z');
    expect(message.sentAt?.toISOString()).toBe('2023-11-01T00:00:00.000Z');
    expect(message.fromAddress).toBe('youtuo@example.cn');
    expect(message.findings).toEqual([]);
  });

  it('flags a message without attachments', async () => {
    // Prepare
    const raw = await buildEmail({ subject: '询问', text: '请问截止时间？' });

    // Act
    const message = await read(raw);

    // Assess
    expect(message.findings.map((f) => f.code)).toEqual(['mail.no-attachments']);
    expect(message.receivedAt).toBeNull();
  });
});

describe('topmostReceivedTime', () => {
  it('takes the first (topmost) Received header, unfolded, with a +0800 zone and a comment', () => {
    // Prepare
    const raw = Buffer.from(
      [
        'Received: from relay (relay [10.0.0.1])',
        '\tby mx.163.com with SMTP;',
        '\tSat, 11 Nov 2023 00:00:00 +0800 (CST)',
        'Received: from origin by relay; Fri, 10 Nov 2023 10:00:00 +0000',
        'Subject: x',
        '',
        'body',
      ].join('\r\n'),
      'latin1',
    );

    // Act
    const time = topmostReceivedTime(raw);

    // Assess
    expect(time?.toISOString()).toBe('2023-11-10T16:00:00.000Z');
  });

  it('returns null for a Received header without a date and for none at all', () => {
    // Act / Assess
    expect(topmostReceivedTime(Buffer.from('Received: from x by y\r\nSubject: a\r\n\r\nb'))).toBeNull();
    expect(
      topmostReceivedTime(Buffer.from('Subject: a\r\n\r\nReceived: from x; Fri, 10 Nov 2023 10:00:00 +0000')),
    ).toBeNull();
  });
});
