import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateBase } from '../../shared/use-cases/evaluate.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { queryCityStatus } from '../../shared/use-cases/query.ts';
import {
  classifyDocumentByHand,
  markNotApplicable,
  recordCityLetter,
  recordPaperCopies,
  reopenFinding,
  waiveFinding,
  withdrawDocument,
} from '../../shared/use-cases/staff-actions.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, valuesClaiming } from '../fixtures/report-form.ts';
import { buildMinimalPdf, buildSelfAssessmentPdf } from '../fixtures/self-assessment-pdf.ts';
import { startTestStack } from './helpers.ts';

const ON_TIME = new Date('2023-11-06T02:00:00Z');
const STAFF = { actor: 'qiao', reason: '已人工核对' };

async function send(
  stack: Awaited<ReturnType<typeof startTestStack>>,
  baseName: string,
  files: { filename: string; content: Buffer }[],
  receivedAt = ON_TIME,
) {
  const raw = await buildEmail({ subject: `${baseName}材料`, receivedAt, attachments: files });
  return ingestMessage(stack.ctx, { raw, channel: 'cli' });
}

describe('base status with staff decisions, concurrency and city records', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.dispose();
  });

  it('ends with the correct status after 20 concurrent deliveries and evaluations of one base', async () => {
    // Prepare: a form claiming 20 indicators' worth of evidence is not needed; 20 evidence files are enough.
    const name = '驿拓直播电商基地';
    const form = await buildReportFormXlsx({ header: { baseName: name }, values: valuesClaiming({ 1: 0.5, 2: 12 }) });
    await send(stack, name, [{ filename: '经营服务情况报告表.xlsx', content: form }]);
    const files = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => ({
        filename: i === 0 ? '建筑面积明细表.pdf' : i === 1 ? '直播间明细表.pdf' : `活动照片${i}.pdf`,
        content: await buildMinimalPdf(`证明材料 ${i}`),
      })),
    );

    // Act
    await Promise.all(files.map((file, i) => send(stack, name, [file], new Date(ON_TIME.getTime() + i * 1000))));
    await Promise.all(Array.from({ length: 20 }, () => evaluateBase(stack.ctx, { baseId: 'p12' })));
    const [stored] = (await stack.ctx.records.statuses.list('yangquan')).filter((s) => s.baseId === 'p12');

    // Assess
    expect(stored?.submissions).toBe(21);
    expect(stored?.documents).toHaveLength(21);
    expect(stored?.missing).toEqual({ documents: ['self-assessment'], formItems: [], evidence: [] });
    expect(await stack.ctx.records.statuses.getRevision('p12')).toBe(21);
  });

  it('counts an encrypted self-assessment only once staff waive the finding, and audits it', async () => {
    // Prepare
    const name = '朔州慧源直播电商基地';
    const form = await buildReportFormXlsx({ header: { baseName: name }, values: valuesClaiming({}) });
    const locked = await buildMinimalPdf('自评报告', { userPassword: 'secret' });
    await send(stack, name, [
      { filename: '经营服务情况报告表.xlsx', content: form },
      { filename: '自评报告.pdf', content: locked },
    ]);
    const before = await evaluateBase(stack.ctx, { baseId: 'p09' });
    const encrypted = before.findings.find((f) => f.code === 'report.encrypted')!;

    // Act
    const waived = await waiveFinding(stack.ctx, { baseId: 'p09', ...encrypted, ...STAFF });
    const reopened = await reopenFinding(stack.ctx, { baseId: 'p09', ...encrypted, ...STAFF });

    // Assess
    expect(before.missing.documents).toEqual(['self-assessment']);
    expect(before.state).toBe('incomplete');
    expect(waived.state).toBe('complete');
    expect(waived.waived.map((f) => f.code)).toEqual(['report.encrypted']);
    expect(waived.actions).toEqual([expect.objectContaining({ kind: 'waive-finding', actor: 'qiao' })]);
    expect(reopened.state).toBe('incomplete');
    const audit = await stack.ctx.records.audit.list('p09');
    expect(audit.map((a) => a.action)).toEqual(['reopen-finding', 'waive-finding']);
    expect(audit[1]).toMatchObject({ actor: 'qiao', reason: '已人工核对' });
  });

  it('applies not-applicable, classification by hand and withdrawal', async () => {
    // Prepare: anchors claimed, evidence only as an anonymous file.
    const name = '腾锐电商孵化基地';
    const form = await buildReportFormXlsx({ header: { baseName: name }, values: valuesClaiming({ 6: 25, 2: 12 }) });
    const report = await buildSelfAssessmentPdf({ baseName: name });
    const sent = await send(stack, name, [
      { filename: '经营服务情况报告表.xlsx', content: form },
      { filename: '自评报告.pdf', content: report },
      // Neither its name nor its first page says what it is.
      { filename: '附件1.pdf', content: await buildMinimalPdf('补充材料') },
    ]);
    const docs = await stack.ctx.records.documents.listBySubmission(sent.submissionId);
    const anonymous = docs.find((d) => d.fileName === '附件1.pdf')!;
    const formDoc = docs.find((d) => d.kind === 'report-form')!;

    // Act
    const before = await evaluateBase(stack.ctx, { baseId: 'p23' });
    const classified = await classifyDocumentByHand(stack.ctx, {
      documentId: anonymous.id,
      kind: 'evidence',
      indicator: 'anchors',
      ...STAFF,
    });
    const notApplicable = await markNotApplicable(stack.ctx, { baseId: 'p23', indicator: 'live-rooms', ...STAFF });
    const withdrawn = await withdrawDocument(stack.ctx, { documentId: formDoc.id, ...STAFF });

    // Assess
    expect(before.missing.evidence).toEqual(['live-rooms', 'anchors']);
    expect(classified.missing.evidence).toEqual(['live-rooms']);
    expect(notApplicable.state).toBe('complete');
    expect(notApplicable.notApplicable).toEqual(['live-rooms']);
    expect(withdrawn.missing.documents).toEqual(['report-form']);
    expect(withdrawn.actions.map((a) => a.kind).sort()).toEqual([
      'classify-document',
      'not-applicable',
      'withdraw-document',
    ]);
  });

  it('keeps city records: a letter found in the mail, paper copies, pilot units and ranking', async () => {
    // Prepare
    const letter = await buildEmail({
      subject: '晋城市商务局关于报送2022-2023年度直播电商基地综合评价材料的函',
      receivedAt: ON_TIME,
      attachments: [{ filename: '晋城市商务局关于推荐直播电商基地的公函.pdf', content: await buildMinimalPdf('公函') }],
    });

    // Act
    await ingestMessage(stack.ctx, { raw: letter, channel: 'cli' });
    await recordPaperCopies(stack.ctx, { baseId: 'p08', copies: 2, ...STAFF });
    await recordCityLetter(stack.ctx, { city: 'jincheng', pilotUnits: ['p08'], ranking: ['r05', 'r04'], ...STAFF });
    const cities = await queryCityStatus(stack.ctx, {});
    const early = await queryCityStatus(stack.ctx, { asOf: new Date('2023-11-01T00:00:00Z') });

    // Assess
    const jincheng = cities.find((c) => c.city === 'jincheng')!;
    expect(jincheng).toMatchObject({ paperComplete: 1, pilotUnits: ['p08'], ranking: ['r05', 'r04'], bases: 3 });
    expect(jincheng.letterReceivedAt).toBe(ON_TIME.toISOString());
    expect(early.find((c) => c.city === 'jincheng')?.letterReceivedAt).toBeNull();
    expect(cities.find((c) => c.city === 'taiyuan')?.letterReceivedAt).toBeNull();
    await expect(recordCityLetter(stack.ctx, { city: 'jincheng', pilotUnits: ['p02'], ...STAFF })).rejects.toThrow(
      /not a base of jincheng/,
    );
  });
});
