import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { noReplyReason, type ReplyFacts } from '../../../shared/domain/auto-reply.ts';
import { readHeaderBlock, readReplyFacts } from '../../../shared/parsing/reply-headers.ts';
import { buildEmail } from '../../fixtures/email.ts';

const OURS = ['notices@example.gov.cn', 'sxswtdsc@163.com'];

function facts(over: Partial<ReplyFacts> = {}): ReplyFacts {
  return {
    fromAddress: 'youtuo@example.cn',
    autoSubmitted: null,
    precedence: null,
    listId: null,
    returnPath: null,
    autoResponseSuppress: null,
    verdicts: { spf: null, dkim: null, dmarc: null },
    ...over,
  };
}

describe('noReplyReason', () => {
  it.each([
    ['a person, verdicts unknown', facts(), null],
    ['Auto-Submitted: no', facts({ autoSubmitted: 'no' }), null],
    ['Auto-Submitted: auto-replied', facts({ autoSubmitted: 'auto-replied' }), 'auto-submitted'],
    [
      'Auto-Submitted: auto-generated; owner-email=x',
      facts({ autoSubmitted: 'Auto-Generated; x=y' }),
      'auto-submitted',
    ],
    ['Precedence: bulk', facts({ precedence: 'bulk' }), 'precedence'],
    ['Precedence: junk', facts({ precedence: 'Junk' }), 'precedence'],
    ['a mailing list', facts({ listId: '<bases.lists.example.cn>' }), 'mailing-list'],
    ['a bounce (null Return-Path)', facts({ returnPath: '<>' }), 'null-sender'],
    ['X-Auto-Response-Suppress: All', facts({ autoResponseSuppress: 'All' }), 'suppressed'],
    ['our own notices address', facts({ fromAddress: 'Notices@Example.gov.cn' }), 'own-address'],
    ['the intake mailbox', facts({ fromAddress: 'sxswtdsc@163.com' }), 'own-address'],
    ['MAILER-DAEMON', facts({ fromAddress: 'mailer-daemon@mx.163.com' }), 'system-address'],
    ['postmaster', facts({ fromAddress: 'postmaster@example.cn' }), 'system-address'],
    ['noreply', facts({ fromAddress: 'no-reply@example.cn' }), 'system-address'],
    ['no sender', facts({ fromAddress: null }), 'no-sender'],
    ['the upload portal', facts({ fromAddress: 'upload-portal@intake.invalid' }), 'no-sender'],
    ['SPF and DKIM failed', facts({ verdicts: { spf: 'FAIL', dkim: 'FAIL', dmarc: null } }), 'unauthenticated'],
    ['SPF failed, DKIM unknown', facts({ verdicts: { spf: 'fail', dkim: null, dmarc: null } }), 'unauthenticated'],
    ['SPF softfail, DKIM none', facts({ verdicts: { spf: 'SOFTFAIL', dkim: 'NONE', dmarc: null } }), 'unauthenticated'],
    ['DMARC failed', facts({ verdicts: { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' } }), 'unauthenticated'],
    ['forwarded: SPF failed, DKIM passed', facts({ verdicts: { spf: 'FAIL', dkim: 'PASS', dmarc: null } }), null],
    ['SPF passed', facts({ verdicts: { spf: 'PASS', dkim: null, dmarc: null } }), null],
    ['SES could not check', facts({ verdicts: { spf: 'GRAY', dkim: 'PROCESSING_FAILED', dmarc: null } }), null],
  ])('%s -> %s', (_name, input, reason) => {
    // Act
    const result = noReplyReason(input, OURS);

    // Assess
    expect(result).toBe(reason);
  });
});

describe('readReplyFacts', () => {
  it('reads the headers that decide an automatic answer, from the header block only', async () => {
    // Prepare
    const raw = await buildEmail({
      subject: '自动回复：材料',
      from: '"邮拓" <YouTuo@Example.cn>',
      headers: {
        'Auto-Submitted': 'auto-replied',
        Precedence: 'bulk',
        'List-Id': '<x.example.cn>',
        'X-Auto-Response-Suppress': 'OOF',
      },
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(300_000, 1) }],
    });
    const withAuth = Buffer.concat([
      Buffer.from(
        'Return-Path: <>\r\nAuthentication-Results: amazonses.com;\r\n spf=fail smtp.mailfrom=x; dkim=pass header.i=@example.cn\r\n',
      ),
      raw,
    ]);

    // Act
    const head = await readHeaderBlock(Readable.from([withAuth.subarray(0, 4000), withAuth.subarray(4000)]));
    const result = await readReplyFacts(head);

    // Assess
    expect(head.length).toBeLessThan(4000);
    expect(result).toEqual({
      fromAddress: 'youtuo@example.cn',
      autoSubmitted: 'auto-replied',
      precedence: 'bulk',
      listId: '<x.example.cn>',
      returnPath: '<>',
      autoResponseSuppress: 'OOF',
      verdicts: { spf: 'FAIL', dkim: 'PASS', dmarc: null },
    });
  });
});
