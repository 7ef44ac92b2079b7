import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, DocumentRecord, Submission } from '../../shared/domain/records.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import {
  badFinalBoundary,
  big5BodyDeclaredUsAscii,
  encodedWordsSplitMidCharacter,
  fakePdf,
  forwardedMessage,
  fourLevelNesting,
  gb18030Subject,
  gbkEvidenceZip,
  illegalUnquotedBoundary,
  longQpHeaderNoFold,
  malformedBase64Attachment,
  messageIdFor,
  mimepartWithoutContentType,
  missingContentType,
  multipartWithoutBoundary,
  noClosingBoundary,
  type QuirkyMessage,
  rarBytes,
  raw8bitLegacySubject,
  raw8bitUtf8Filename,
  rawGbkNameParameter,
  rfc2231Continuations,
  sampleBytes,
  tnefAttachment,
  tnefWholeMessage,
  wellFormedMessage,
  xGbkCharset,
} from '../fixtures/quirky-mail.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from './helpers.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What intake recorded for one message. */
interface Recorded {
  duplicate: boolean;
  submission: Submission;
  documents: DocumentRecord[];
  /** Finding codes of the submission and of all its documents. */
  codes: string[];
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function ingest(ctx: AppContext, message: QuirkyMessage, channel: Channel = 'cli'): Promise<Recorded> {
  const result = await ingestMessage(ctx, { raw: message.raw, channel });
  const submission = await ctx.records.submissions.get(result.submissionId);
  if (!submission) throw new Error(`no submission recorded for ${result.submissionId}`);
  const documents = await ctx.records.documents.listBySubmission(submission.id);
  const codes = [...submission.findings, ...documents.flatMap((doc) => doc.findings)].map((f) => f.code);
  return { duplicate: result.duplicate, submission, documents, codes };
}

/** Every file of the truth is a document with its decoded name and its exact bytes. */
function expectNothingLost(message: QuirkyMessage, documents: DocumentRecord[]): void {
  for (const file of message.attachments) {
    const doc = documents.find((d) => d.fileName === file.fileName && d.folderPath === null);
    expect(doc, `document for ${file.fileName}`).toBeDefined();
    if (file.content) expect(doc?.sha256, `bytes of ${file.fileName}`).toBe(sha256(file.content));
  }
}

/** One quirk of the corpus: the message, the base it names (null: none), and findings it must bring. */
interface QuirkCase {
  quirk: string;
  build: () => QuirkyMessage;
  /** Patterns of the raw message (read as Latin-1) that prove the quirk is really there, and ones it must lack. */
  shows: RegExp[];
  lacks: RegExp[];
  baseId: string | null;
  codes: string[];
}

const QUIRKS: QuirkCase[] = [
  {
    quirk: 'bad final boundary (no trailing --), a .zip holding HTML',
    build: () => badFinalBoundary({ baseName: '邮拓直播电商基地' }),
    shows: [/--Quirk-Test-100\r\n$/],
    lacks: [/--Quirk-Test-100--/],
    baseId: 'p02',
    codes: ['archive.corrupt'],
  },
  {
    quirk: 'Big5 body declared us-ascii, no headers at all',
    build: () => big5BodyDeclaredUsAscii(),
    shows: [/charset=us-ascii/, /^[A-Za-z0-9+/=\r\n]+$/m],
    lacks: [/^Subject:/im, /^From:/im],
    baseId: null,
    codes: ['mail.no-attachments', 'intake.base-unknown'],
  },
  {
    quirk: 'long Q-encoded UTF-8/ISO-8859-1 subject without folding',
    build: () => longQpHeaderNoFold({ baseName: '龙巅兴趣直播基地' }),
    shows: [/^Subject: =\?UTF-8\?Q\?[^\r\n]{250,}$/m, /=\?ISO-8859-1\?Q\?Andr=E9\?=/],
    lacks: [],
    baseId: 'p03',
    codes: ['mail.no-attachments'],
  },
  {
    quirk: 'malformed base64 attachment',
    build: () => malformedBase64Attachment({ baseName: '武乡县红星杨电子商务产业园' }),
    shows: [/^[A-Za-z0-9+/]+\*[A-Za-z0-9+/*!]+$/m],
    lacks: [],
    baseId: 'p04',
    codes: [],
  },
  {
    quirk: 'no MIME-Version and no Content-Type',
    build: () => missingContentType({ baseName: '拓客来直播电商产业基地' }),
    shows: [/^Subject:/m],
    lacks: [/content-type/i, /mime-version/i],
    baseId: 'p05',
    codes: ['mail.no-attachments'],
  },
  {
    quirk: 'multipart without boundary',
    build: () => multipartWithoutBoundary({ baseName: '山西千万亿直播基地' }),
    shows: [/Content-Type: multipart\/mixed;\r\n\r\n/],
    lacks: [/boundary=/i],
    baseId: 'p06',
    codes: ['mail.no-attachments'],
  },
  {
    quirk: 'no closing boundary',
    build: () => noClosingBoundary({ baseName: '山西农谷电商直播基地' }),
    shows: [/--Quirk-Test-100\r\n/],
    lacks: [/--Quirk-Test-100--/],
    baseId: 'p07',
    codes: [],
  },
  {
    quirk: 'raw 8-bit UTF-8 file name (the base is named only there)',
    build: () => raw8bitUtf8Filename({ baseName: '朔州慧源直播电商基地' }),
    shows: [/filename="[^"]*[\x80-\xff]/],
    lacks: [/=\?|\*=/],
    baseId: 'p09',
    codes: [],
  },
  {
    quirk: 'raw 8-bit Big5 subject, empty Content-Transfer-Encoding',
    build: () => raw8bitLegacySubject({ baseName: '山西本命年直播基地', charset: 'big5' }),
    shows: [/^Subject: [^\r\n]*[\x80-\xff]/m, /^Content-Transfer-Encoding: \r$/m],
    lacks: [/^Subject: [^\r\n]*=\?/m],
    baseId: 'p13',
    codes: ['mail.no-attachments'],
  },
  {
    quirk: 'raw 8-bit GBK subject',
    build: () => raw8bitLegacySubject({ baseName: '易淘电商信息产业园', charset: 'gbk' }),
    shows: [/^Subject: [^\r\n]*[\x80-\xff]/m],
    lacks: [/^Subject: [^\r\n]*=\?/m],
    baseId: 'p10',
    codes: ['mail.no-attachments'],
  },
  {
    quirk: "unquoted boundary with '=' (----=_NextPart_...)",
    build: () => illegalUnquotedBoundary({ baseName: '平顺网红直播基地' }),
    shows: [/boundary=----=_NextPart_[^\r\n"]+\r\n/],
    lacks: [],
    baseId: 'p11',
    codes: [],
  },
  {
    quirk: 'RFC 2231 continuations in UTF-8, cut inside characters',
    build: () => rfc2231Continuations({ baseName: '驿拓直播电商基地', charset: 'UTF-8' }),
    shows: [/filename\*0\*=UTF-8''/, /filename\*1\*=/],
    lacks: [],
    baseId: 'p12',
    codes: [],
  },
  {
    quirk: 'RFC 2231 continuations in GBK, cut inside characters',
    build: () => rfc2231Continuations({ baseName: '大同云中购直播电商基地', charset: 'GBK' }),
    shows: [/filename\*0\*=GBK''/, /filename\*1\*=/],
    lacks: [],
    baseId: 'p14',
    codes: [],
  },
  {
    quirk: 'GB2312/GBK encoded-words split in the middle of a character',
    build: () => encodedWordsSplitMidCharacter({ baseName: '大同市恒宗直播电商基地' }),
    shows: [/^Subject: =\?gb2312\?B\?[^?]+\?=\r\n =\?gb2312\?B\?/m, /name="=\?GBK\?B\?[^?]+\?=\r\n =\?GBK/],
    lacks: [],
    baseId: 'p17',
    codes: [],
  },
  {
    quirk: 'X-GBK charset label on subject, file name and text',
    build: () => xGbkCharset({ baseName: '文水县电子商务创业园' }),
    shows: [/charset="X-GBK"/, /=\?X-GBK\?B\?/, /=\?x-gbk\?Q\?/],
    lacks: [],
    baseId: 'p18',
    codes: [],
  },
  {
    quirk: 'TNEF (application/ms-tnef) as the whole message',
    build: () => tnefWholeMessage({ baseName: '侯马新兴纺织城网红电商孵化基地' }),
    shows: [/^Content-Type: application\/ms-tnef;/m],
    lacks: [/multipart/i],
    baseId: 'p19',
    codes: ['mail.tnef'],
  },
  {
    quirk: 'winmail.dat among other attachments',
    build: () => tnefAttachment({ baseName: '晋享生活直播基地' }),
    shows: [/multipart\/mixed/, /Content-Type: application\/ms-tnef/],
    lacks: [],
    baseId: 'p20',
    codes: ['mail.tnef'],
  },
  {
    quirk: 'sub-parts without Content-Type',
    build: () => mimepartWithoutContentType({ baseName: '山西新觉电商直播基地' }),
    shows: [/antivirus\r\n\r\n/, /antivirus\r\nContent-Disposition/],
    lacks: [],
    baseId: 'p21',
    codes: [],
  },
  {
    quirk: 'GB18030 subject with a four-byte character',
    build: () => gb18030Subject({ baseName: '山西数字媒体经济培育孵化基地' }),
    shows: [/=\?GB18030\?B\?/],
    lacks: [],
    baseId: 'p22',
    codes: [],
  },
  {
    quirk: 'raw GBK bytes in name= without any encoding',
    build: () => rawGbkNameParameter({ baseName: '腾锐电商孵化基地' }),
    shows: [/name="[\x80-\xff]/],
    lacks: [/filename/i],
    baseId: 'p23',
    codes: [],
  },
];

describe('quirky mail on the embedded stack', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it.each(QUIRKS)(
    'records "$quirk" with its raw, names and findings',
    async ({ build, shows, lacks, baseId, codes }) => {
      // Prepare
      const message = build();
      const text = message.raw.toString('latin1');
      for (const pattern of shows) expect(text).toMatch(pattern);
      for (const pattern of lacks) expect(text).not.toMatch(pattern);

      // Act
      const recorded = await ingest(stack.ctx, message);

      // Assess
      const { submission, documents } = recorded;
      expect(recorded.duplicate).toBe(false);
      expect(submission.state).toBe('processed');
      expect(submission.baseId).toBe(baseId);
      expect(submission.subject).toBe(message.subject);
      expect(await stack.ctx.blobs.get(submission.rawKey)).toEqual(message.raw);
      expect(recorded.codes).toEqual(expect.arrayContaining(codes));
      expect(recorded.codes).not.toContain('mail.unparseable');
      expect(documents.map((d) => d.id).sort()).toEqual([...submission.documentIds].sort());
      expect(documents).toHaveLength(message.attachments.length);
      expectNothingLost(message, documents);
      if (baseId === null) {
        const queue = await stack.ctx.records.submissions.listUnmatched();
        expect(queue.map((s) => s.id)).toContain(submission.id);
      } else {
        const ofBase = await stack.ctx.records.submissions.listByBase(baseId);
        expect(ofBase.map((s) => s.id)).toEqual([submission.id]);
      }
    },
  );

  it('decodes the raw GBK name= into the Chinese file name and classifies it by that name', async () => {
    // Prepare
    const message = rawGbkNameParameter({ baseName: '腾锐电商孵化基地', messageId: messageIdFor('raw-gbk-name-2') });

    // Act
    const { documents } = await ingest(stack.ctx, message);

    // Assess
    expect(documents.map((d) => d.fileName)).toEqual(['腾锐电商孵化基地从业人员花名册.xls']);
    expect(documents[0]).toMatchObject({ kind: 'evidence', indicator: 'employees' });
  });

  it('opens a forwarded submission and identifies the base from the report form inside it', async () => {
    // Prepare
    const form = await buildReportFormXlsx({
      header: { baseName: '原平市直播电商基地' },
      values: SAMPLE_FORM_VALUES,
      layout: 'template',
    });
    const inner = wellFormedMessage({
      subject: '评价材料',
      messageId: messageIdFor('forward-inner'),
      attachments: [{ fileName: '经营服务情况报告表.xlsx', content: form, contentType: XLSX }],
    });
    const message = forwardedMessage(inner, { subject: '转发：材料', messageId: messageIdFor('forward-outer') });

    // Act
    const { submission, documents, codes } = await ingest(stack.ctx, message);

    // Assess
    expect(submission.baseId).toBe('p24');
    expect(submission.match).toMatchObject({ how: 'name', source: '原平市直播电商基地' });
    expect(codes).toContain('mail.forwarded');
    expect(documents).toHaveLength(2);
    expectNothingLost(message, documents);
    const formDoc = documents.find((d) => d.fileName === '经营服务情况报告表.xlsx');
    expect(formDoc).toMatchObject({ kind: 'report-form', formHeader: { baseName: '原平市直播电商基地' } });
    expect(formDoc?.formValues?.find((v) => v.item === 32)).toMatchObject({ value: 12000 });
  });

  it('opens a forward sent base64-encoded, as some webmails send message/rfc822', async () => {
    // Prepare
    const inner = wellFormedMessage({
      subject: '【申报材料】睿信传媒电商直播基地补充材料',
      messageId: messageIdFor('forward-b64-inner'),
      attachments: [{ fileName: '直播间照片.pdf', content: fakePdf('b64 forward'), contentType: 'application/pdf' }],
    });
    const message = forwardedMessage(inner, {
      subject: 'Fw: 材料',
      messageId: messageIdFor('forward-b64-outer'),
      encoding: 'base64',
    });

    // Act
    const { submission, documents } = await ingest(stack.ctx, message);

    // Assess
    expect(submission.baseId).toBe('r03');
    expectNothingLost(message, documents);
    expect(documents.find((d) => d.fileName === '直播间照片.pdf')).toMatchObject({ indicator: 'live-rooms' });
  });

  it('reads four levels of nested messages down to the file of the innermost one', async () => {
    // Prepare
    const message = fourLevelNesting({ baseName: '欣农直播创新基地' });

    // Act
    const { submission, documents, codes } = await ingest(stack.ctx, message);

    // Assess
    expect(submission.subject).toBe('转发：转发：转发：材料');
    expect(submission.baseId).toBe('r01'); // named only by the innermost subject
    expect(documents.map((d) => d.fileName).sort()).toEqual(
      ['1-forwarded.eml', '2-forwarded.eml', '3-forwarded.eml', '直播活动明细.pdf'].sort(),
    );
    expectNothingLost(message, documents);
    expect(codes.filter((code) => code === 'mail.forwarded')).toHaveLength(3);
    expect(documents.find((d) => d.fileName === '直播活动明细.pdf')).toMatchObject({ indicator: 'livestreams' });
  });

  it('records each member of a zip with GBK names under its folder path, classified by folder and name', async () => {
    // Prepare
    const { zip, members } = await gbkEvidenceZip('特优');
    const message = wellFormedMessage({
      subject: '【申报材料】山西特优产品直播基地证明材料',
      messageId: messageIdFor('gbk-zip'),
      attachments: [{ fileName: '佐证材料.zip', content: zip, contentType: 'application/zip' }],
    });

    // Act
    const { submission, documents, codes } = await ingest(stack.ctx, message);

    // Assess
    expect(submission.baseId).toBe('r02');
    expect(codes).toContain('archive.names-legacy-encoding');
    expectNothingLost(message, documents);
    const member = (name: string) => documents.find((d) => d.fileName === name);
    expect(member('主播名单.xlsx')).toMatchObject({
      folderPath: '佐证材料/证明材料',
      kind: 'evidence',
      indicator: 'anchors',
    });
    expect(member('1号间.jpg')).toMatchObject({ folderPath: '佐证材料/证明材料/直播间照片', indicator: 'live-rooms' });
    expect(member('缴税证明.pdf')).toMatchObject({ folderPath: '佐证材料/证明材料', indicator: 'tax' });
    for (const { path, content } of members) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      expect(member(name)?.sha256, path).toBe(sha256(content));
    }
    expect(documents).toHaveLength(1 + members.length);
    // The archive first, then its members in the archive's order (they are stored a few at a time).
    const memberIds = members.map((m) => `${submission.id}/${sha256(m.content)}`);
    expect(submission.documentIds).toEqual([`${submission.id}/${sha256(zip)}`, ...memberIds]);
  });

  it('stores a .rar attachment and asks for zip or loose files', async () => {
    // Prepare
    const rar = rarBytes('东方传媒');
    const message = wellFormedMessage({
      subject: '【申报材料】东方传媒电商直播基地',
      messageId: messageIdFor('rar'),
      attachments: [{ fileName: '证明材料.rar', content: rar, contentType: 'application/x-rar-compressed' }],
    });

    // Act
    const { submission, documents, codes } = await ingest(stack.ctx, message);

    // Assess
    expect(submission.baseId).toBe('r04');
    expect(codes).toContain('archive.unsupported-format');
    expect(documents).toHaveLength(1);
    expectNothingLost(message, documents);
    expect(await stack.ctx.blobs.get(documents[0]!.blobKey)).toEqual(rar);
  });

  it('stores an attachment over the size limit unread, with a finding, and reads the others', async () => {
    // Prepare
    const ctx: AppContext = { ...stack.ctx, limits: { ...stack.ctx.limits, maxAttachmentBytes: 64 * 1024 } };
    const big = sampleBytes('oversize video', 200 * 1024);
    const message = wellFormedMessage({
      subject: '【申报材料】极致星空电商直播基地',
      messageId: messageIdFor('oversize'),
      attachments: [
        { fileName: '直播活动录像.mp4', content: big, contentType: 'video/mp4' },
        { fileName: '直播间明细.pdf', content: fakePdf('after the big one'), contentType: 'application/pdf' },
      ],
    });

    // Act
    const { submission, documents, codes } = await ingest(ctx, message);

    // Assess
    expect(submission.baseId).toBe('r05');
    expect(codes).toContain('intake.attachment-too-large');
    expectNothingLost(message, documents);
    const video = documents.find((d) => d.fileName === '直播活动录像.mp4')!;
    expect(video.size).toBe(big.length);
    expect(video.findings.map((f) => f.code)).toEqual(['intake.attachment-too-large']);
    expect(await stack.ctx.blobs.get(video.blobKey)).toEqual(big);
    expect(documents.find((d) => d.fileName === '直播间明细.pdf')).toMatchObject({ indicator: 'live-rooms' });
  });
});

describe('deliveries of the same message', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  function packageOf(baseName: string, messageId: string, text?: string): QuirkyMessage {
    return wellFormedMessage({
      subject: `【申报材料】${baseName}2022-2023年度综合评价材料`,
      messageId,
      text,
      attachments: [
        { fileName: '主播名单.pdf', content: fakePdf(`${baseName} anchors`), contentType: 'application/pdf' },
        { fileName: '缴税证明.pdf', content: fakePdf(`${baseName} tax`), contentType: 'application/pdf' },
      ],
    });
  }

  it('records one submission and one set of documents when the same message arrives 5 times at once', async () => {
    // Prepare
    const message = packageOf('邮拓直播电商基地', messageIdFor('concurrent'));

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => ingestMessage(stack.ctx, { raw: message.raw, channel: 'smtp' })),
    );

    // Assess
    expect(new Set(results.map((r) => r.submissionId)).size).toBe(1);
    // One delivery is the submission; the others are told they were duplicates of it.
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const ofBase = await stack.ctx.records.submissions.listByBase('p02');
    expect(ofBase).toHaveLength(1);
    expect(ofBase[0]).toMatchObject({ state: 'processed', duplicateOf: null });
    const documents = await stack.ctx.records.documents.listBySubmission(ofBase[0]!.id);
    expect(documents).toHaveLength(2);
    expect(await stack.ctx.records.documents.listByBase('p02')).toHaveLength(2);
    expectNothingLost(message, documents);
  });

  it('keeps one unmatched submission when an unidentifiable message arrives 5 times at once', async () => {
    // Prepare
    const message = wellFormedMessage({
      subject: '材料',
      messageId: messageIdFor('concurrent-unmatched'),
      attachments: [{ fileName: '说明.pdf', content: fakePdf('who am I'), contentType: 'application/pdf' }],
    });

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => ingestMessage(stack.ctx, { raw: message.raw, channel: 'imap' })),
    );

    // Assess
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const queue = await stack.ctx.records.submissions.listUnmatched();
    const mine = queue.filter((s) => s.rawSha256 === sha256(message.raw));
    expect(mine).toHaveLength(1);
    expect(await stack.ctx.records.documents.listBySubmission(mine[0]!.id)).toHaveLength(1);
  });

  it('records a redelivery (same message, other trace headers) as a duplicate of the first', async () => {
    // Prepare: the same message as two mailboxes deliver it, each stamping its own Received: line on top.
    const messageId = messageIdFor('same-id');
    const message = (hop: string) =>
      wellFormedMessage({
        subject: '【申报材料】龙巅兴趣直播基地2022-2023年度综合评价材料',
        messageId,
        headersOnTop: [`Received: from ${hop} by mx.example.gov.cn; Mon, 6 Nov 2023 10:00:00 +0800`],
        attachments: [{ fileName: '主播名单.pdf', content: fakePdf('龙巅 anchors'), contentType: 'application/pdf' }],
      });

    // Act
    const a = await ingestMessage(stack.ctx, { raw: message('relay-1').raw, channel: 'cli' });
    const b = await ingestMessage(stack.ctx, { raw: message('relay-2').raw, channel: 'cli' });

    // Assess
    expect(b.submissionId).not.toBe(a.submissionId);
    expect([a.duplicate, b.duplicate]).toEqual([false, true]);
    expect(b.baseId).toBe('p03');
    const second = await stack.ctx.records.submissions.get(b.submissionId);
    expect(second).toMatchObject({ state: 'duplicate', duplicateOf: a.submissionId });
    expect(await stack.ctx.blobs.exists(second!.rawKey)).toBe(true); // kept raw all the same
    expect(await stack.ctx.records.documents.listBySubmission(b.submissionId)).toHaveLength(0);
  });

  it('records messages that share one Message-ID but differ in content as submissions of their own, in any order', async () => {
    // Prepare: three different messages from one mail tool that stamps the same Message-ID on all of them.
    const messages = (messageId: string) => [
      packageOf('山西千万亿直播基地', messageId),
      packageOf('山西千万亿直播基地', messageId, '补充材料，请查收。'),
      wellFormedMessage({
        subject: '【申报材料】山西千万亿直播基地 补充',
        messageId,
        attachments: [{ fileName: '缴税证明.pdf', content: fakePdf('another tax'), contentType: 'application/pdf' }],
      }),
    ];

    for (const order of [
      [0, 1, 2],
      [2, 0, 1],
    ]) {
      const batch = messages(messageIdFor(`reused-${order.join('')}`));
      // Act
      const results = [];
      for (const i of order) results.push(await ingestMessage(stack.ctx, { raw: batch[i]!.raw, channel: 'cli' }));

      // Assess: three submissions, each with its documents read; the later two are told the ID was reused.
      expect(results.map((r) => r.duplicate)).toEqual([false, false, false]);
      expect(new Set(results.map((r) => r.submissionId)).size).toBe(3);
      const codes = results.map((r) => r.findings.map((f) => f.code).includes('mail.message-id-reused'));
      expect(codes).toEqual([false, true, true]);
      for (const result of results) {
        expect((await stack.ctx.records.documents.listBySubmission(result.submissionId)).length).toBeGreaterThan(0);
      }
    }
  });

  it('quarantines SES mail whose virus verdict failed, without opening it', async () => {
    // Prepare
    const message = wellFormedMessage({
      subject: '【申报材料】山西千万亿直播基地',
      messageId: messageIdFor('ses-virus'),
      headersOnTop: ['X-SES-Spam-Verdict: PASS', 'X-SES-Virus-Verdict: FAIL'],
      attachments: [{ fileName: '主播名单.exe', content: sampleBytes('virus', 500) }],
    });

    // Act
    const { submission, documents, codes } = await ingest(stack.ctx, message, 'ses');

    // Assess
    expect(codes).toEqual(['intake.quarantined']);
    expect(submission.quarantine?.reasons.join()).toContain('virus');
    expect(submission.subject).toBe('【申报材料】山西千万亿直播基地');
    expect(submission.baseId).toBeNull();
    expect(documents).toEqual([]);
    const quarantined = await stack.ctx.records.submissions.listQuarantined();
    expect(quarantined.map((s) => s.id)).toEqual([submission.id]);
    expect(await stack.ctx.blobs.list('documents/')).not.toContain(`documents/${sha256(sampleBytes('virus', 500))}`);
  });

  it('processes SES mail whose verdicts passed', async () => {
    // Prepare
    const message = wellFormedMessage({
      subject: '【申报材料】山西农谷电商直播基地',
      messageId: messageIdFor('ses-pass'),
      headersOnTop: ['X-SES-Spam-Verdict: PASS', 'X-SES-Virus-Verdict: PASS'],
      attachments: [{ fileName: '主播名单.pdf', content: fakePdf('ses pass'), contentType: 'application/pdf' }],
    });

    // Act
    const { submission, documents, codes } = await ingest(stack.ctx, message, 'ses');

    // Assess
    expect(submission).toMatchObject({ state: 'processed', baseId: 'p07' });
    expect(submission.quarantine ?? null).toBeNull();
    expect(codes).not.toContain('intake.quarantined');
    expectNothingLost(message, documents);
    const quarantined = await stack.ctx.records.submissions.listQuarantined();
    expect(quarantined.map((s) => s.id)).not.toContain(submission.id);
  });
});
