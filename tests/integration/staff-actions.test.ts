import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { queryStatus } from '../../shared/use-cases/query.ts';
import { assignSubmission, registerBase, reprocessSubmission } from '../../shared/use-cases/staff-actions.ts';
import { ingestUpload } from '../../shared/use-cases/upload.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from './helpers.ts';

const ON_TIME = new Date('2023-11-08T03:00:00Z');
const STAFF = { actor: 'qiao', reason: '电话核实' };

describe('staff actions on the embedded stack', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.dispose();
  });

  it('assigns an unmatched submission, audits it, and remembers the sender for the next message', async () => {
    // Prepare
    const unsigned = await buildEmail({
      subject: '材料',
      from: '"小王" <wang@example.cn>',
      receivedAt: ON_TIME,
      attachments: [{ filename: '报告表.xlsx', content: await buildReportFormXlsx({ values: SAMPLE_FORM_VALUES }) }],
    });
    const first = await ingestMessage(stack.ctx, { raw: unsigned, channel: 'cli' });
    expect(first.baseId).toBeNull();

    // Act
    await assignSubmission(stack.ctx, { submissionId: first.submissionId, baseId: 'p09', ...STAFF });
    const second = await ingestMessage(stack.ctx, {
      raw: await buildEmail({ subject: '补充材料', from: 'wang@example.cn', receivedAt: ON_TIME, text: '补充' }),
      channel: 'cli',
    });
    const report = await queryStatus(stack.ctx, { asOf: new Date('2023-11-09T00:00:00Z') });

    // Assess
    const status = report.bases.find((b) => b.baseId === 'p09')!;
    expect(status).toMatchObject({ name: '朔州慧源直播电商基地', state: 'incomplete', submissions: 2 });
    expect(status.missing.documents).toEqual(['self-assessment']);
    expect(status.findings.map((f) => f.code)).not.toContain('intake.base-unknown');
    expect(report.unmatched.map((u) => u.submissionId)).not.toContain(first.submissionId);
    expect(second.baseId).toBe('p09');
    expect((await stack.ctx.records.submissions.get(second.submissionId))?.match?.how).toBe('sender');
    const audit = await stack.ctx.records.audit.list('p09');
    expect(audit[0]).toMatchObject({ actor: 'qiao', action: 'assign-submission', reason: '电话核实' });
  });

  it('registers a city-recommended base that then takes part and is matched by name', async () => {
    // Act
    const base = await registerBase(stack.ctx, { name: '清徐县葡萄直播基地', city: 'taiyuan', ...STAFF });
    const result = await ingestMessage(stack.ctx, {
      raw: await buildEmail({ subject: '清徐县葡萄直播基地申报材料', receivedAt: ON_TIME, text: '见附件' }),
      channel: 'cli',
    });
    const report = await queryStatus(stack.ctx, { city: 'taiyuan' });

    // Assess
    expect(base).toMatchObject({ category: 'new', city: 'taiyuan', participating: true });
    expect(result.baseId).toBe(base.id);
    expect(report.bases.map((b) => b.name)).toContain('清徐县葡萄直播基地');
    await expect(registerBase(stack.ctx, { name: '清徐县葡萄直播基地', city: 'taiyuan', ...STAFF })).rejects.toThrow(
      /exists already/,
    );
  });

  it('reprocesses a stored message into the same records, keeping the staff choice', async () => {
    // Prepare
    const raw = await buildEmail({ subject: '无名材料', from: 'nobody@example.org', receivedAt: ON_TIME, text: 'x' });
    const first = await ingestMessage(stack.ctx, { raw, channel: 'cli' });
    await assignSubmission(stack.ctx, {
      submissionId: first.submissionId,
      baseId: 'p12',
      rememberSender: false,
      ...STAFF,
    });
    const before = await stack.ctx.records.submissions.get(first.submissionId);

    // Act
    const again = await reprocessSubmission(stack.ctx, { submissionId: first.submissionId, ...STAFF });
    const after = await stack.ctx.records.submissions.get(first.submissionId);

    // Assess
    expect(again).toMatchObject({ submissionId: first.submissionId, duplicate: false, baseId: 'p12' });
    expect(after?.receivedAt).toBe(before?.receivedAt);
    expect(after?.match?.how).toBe('staff');
    expect(await stack.ctx.records.submissions.listByBase('p12')).toHaveLength(1);
  });

  it('takes an upload through the HTTP app as a submission of the named base', async () => {
    // Prepare
    const app = createHttpApp(stack.ctx);
    const form = new FormData();
    form.set('base', '武乡县红星杨电子商务产业园');
    form.append(
      'files',
      new Blob([await buildReportFormXlsx({ values: SAMPLE_FORM_VALUES })]),
      '经营服务情况报告表.xlsx',
    );

    // Act
    const response = await app.request('/api/uploads', { method: 'POST', body: form });
    const refused = await app.request('/api/uploads', { method: 'POST', body: new FormData() });
    const direct = await ingestUpload(stack.ctx, { baseName: '武乡县红星杨电子商务产业园', files: [] });

    // Assess
    expect(response.status).toBe(201);
    const body = (await response.json()) as { baseId: string; submissionId: string };
    expect(body.baseId).toBe('p04');
    const submission = await stack.ctx.records.submissions.get(body.submissionId);
    expect(submission).toMatchObject({ channel: 'upload', receivedAtSource: 'transport' });
    expect((await stack.ctx.records.documents.listBySubmission(body.submissionId)).map((d) => d.kind)).toEqual([
      'report-form',
    ]);
    expect(refused.status).toBe(400);
    expect(direct.findings.map((f) => f.code)).toContain('mail.no-attachments');
  });
});
