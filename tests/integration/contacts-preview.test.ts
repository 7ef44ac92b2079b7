/**
 * The contacts of a base (the report form's header, the latest form in force, the senders seen) and the unmatched
 * mail's preview (its files and the start of its text), over the embedded stack with real messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCityContacts, senderAddress } from '../../shared/use-cases/contacts.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { baseDetail } from '../../shared/use-cases/read-model.ts';
import { PREVIEW_BYTES, previewUnmatched } from '../../shared/use-cases/unmatched-preview.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { buildMinimalPdf, buildSelfAssessmentPdf } from '../fixtures/self-assessment-pdf.ts';
import { startTestStack } from './helpers.ts';

const NOW = new Date('2023-11-08T06:00:00Z');

describe('contacts, the base page file order and the unmatched preview', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;

  const send = async (input: Parameters<typeof buildEmail>[0]) =>
    ingestMessage(stack.ctx, { channel: 'cli', raw: await buildEmail(input) });
  const form = (header: Record<string, string>) =>
    buildReportFormXlsx({ header: { baseName: '平顺网红直播基地', ...header }, values: SAMPLE_FORM_VALUES });

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(NOW));
  }, 60_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('reads the contact from the latest report form and lists every sender once', async () => {
    // Arrange: a first form, then a corrected one from another address
    await send({
      subject: '平顺网红直播基地 报告表',
      from: '"平顺基地" <PingShun@Example.cn>',
      receivedAt: new Date('2023-11-05T02:00:00Z'),
      attachments: [{ filename: '报告表.xlsx', content: await form({ contactName: '王旧', mobile: '13800000000' }) }],
    });
    await send({
      subject: '平顺网红直播基地 报告表（更正）',
      from: '"平顺基地张晓明" <zhangxm@example.com>',
      receivedAt: new Date('2023-11-06T02:00:00Z'),
      attachments: [{ filename: '报告表（更正）.xlsx', content: await form({ contactName: '张晓明', email: '' }) }],
    });
    await send({
      subject: '平顺网红直播基地 补充',
      from: 'pingshun@example.cn',
      receivedAt: new Date('2023-11-07T02:00:00Z'),
      text: '补充',
      attachments: [{ filename: '说明.txt', content: Buffer.from('补充说明') }],
    });

    // Act
    const contacts = await listCityContacts(stack.ctx, { city: 'changzhi', asOf: NOW });
    const before = await listCityContacts(stack.ctx, { city: 'changzhi', asOf: new Date('2023-11-05T12:00:00Z') });

    // Assess
    const pingshun = contacts.find((c) => c.baseId === 'p11')!;
    expect(pingshun.contact).toMatchObject({ name: '张晓明', fileName: '报告表（更正）.xlsx', email: null });
    expect(pingshun.contact?.mobile).toBe('13912345678');
    expect(pingshun.senders.map((s) => [s.address, s.submissions])).toEqual([
      ['pingshun@example.cn', 2],
      ['zhangxm@example.com', 1],
    ]);
    expect(before.find((c) => c.baseId === 'p11')?.contact).toMatchObject({ name: '王旧', mobile: '13800000000' });
    const others = contacts.filter((c) => c.baseId !== 'p11');
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((c) => c.contact === null && c.senders.length === 0)).toBe(true);
    expect(contacts.every((c) => c.city === 'changzhi')).toBe(true);
  });

  it('lists a base page files by kind, then by indicator order, then by name, not by content hash', async () => {
    // Arrange: files of every kind, the evidence out of indicator order
    await send({
      subject: '邮拓直播电商基地 全套材料',
      from: '"邮拓" <youtuo@example.cn>',
      receivedAt: new Date('2023-11-07T03:00:00Z'),
      attachments: [
        { filename: '商家主播.pdf', content: await buildMinimalPdf('协议') },
        { filename: '自评报告.pdf', content: await buildSelfAssessmentPdf({ baseName: '邮拓直播电商基地' }) },
        { filename: '主播名单.pdf', content: await buildMinimalPdf('主播名单') },
        { filename: '办公建筑面积明细表.xlsx', content: await buildMinimalPdf('办公建筑面积明细') },
        { filename: '从业人员名单（含运维技术人员、党员）.pdf', content: await buildMinimalPdf('从业人员 运维 党员') },
        { filename: '报告表.xlsx', content: await form({ baseName: '邮拓直播电商基地' }) },
      ],
    });

    // Act
    const detail = await baseDetail(stack.ctx, 'p02', NOW);

    // Assess
    const kinds = ['report-form', 'self-assessment', 'evidence', 'city-letter', 'other'];
    const place = (slug: string | null) => {
      const i = stack.ctx.round.indicators.findIndex((x) => x.slug === slug);
      return i < 0 ? stack.ctx.round.indicators.length : i;
    };
    const keys = detail.documents.map((l) => [kinds.indexOf(l.kind), place(l.indicator), l.document.fileName] as const);
    expect(keys).toHaveLength(6);
    expect(detail.documents.slice(0, 2).map((l) => l.document.fileName)).toEqual(['报告表.xlsx', '自评报告.pdf']);
    const inOrder = keys.every((k, i) => {
      const prev = keys[i - 1];
      if (!prev) return true;
      return (
        prev[0] < k[0] ||
        (prev[0] === k[0] && (prev[1] < k[1] || (prev[1] === k[1] && prev[2].localeCompare(k[2], 'zh-CN') <= 0)))
      );
    });
    expect(inOrder, JSON.stringify(keys)).toBe(true);
  });

  it('takes the bare address from a From value', () => {
    // Act / Assess
    expect(senderAddress('"平顺基地" <PingShun@Example.cn>')).toBe('pingshun@example.cn');
    expect(senderAddress('li@example.cn')).toBe('li@example.cn');
    expect(senderAddress('平顺基地')).toBeNull();
  });

  it('previews the files and the text of an unmatched mail, when the mail is larger than the part the preview reads', async () => {
    // Arrange: a mail whose attachments come to more than the preview reads
    const big = Buffer.alloc(PREVIEW_BYTES * 3, 7);
    const sent = await send({
      subject: '材料',
      from: '"小王" <wang@unknown.example.cn>',
      receivedAt: new Date('2023-11-07T08:00:00Z'),
      text: `各位好，\n附件是我们的材料。${'甲'.repeat(3000)}`,
      attachments: [
        { filename: '照片.bin', content: big, contentType: 'application/octet-stream' },
        { filename: '说明.txt', content: Buffer.from('见附件') },
      ],
    });

    // Act
    const preview = await previewUnmatched(stack.ctx, sent.submissionId);

    // Assess
    // In the order of the names as read aloud (说明 shuo before 照片 zhao).
    expect(preview?.files.map((f) => [f.fileName, f.size])).toEqual([
      ['说明.txt', Buffer.byteLength('见附件')],
      ['照片.bin', big.length],
    ]);
    expect(preview?.text?.startsWith('各位好，\n附件是我们的材料。甲')).toBe(true);
    expect(preview?.text).toHaveLength(2000);
    expect(preview?.truncated).toBe(true);
    expect(preview?.partial).toBe(true);
    await expect(previewUnmatched(stack.ctx, 'no-such-submission')).resolves.toBeNull();
  });
});
