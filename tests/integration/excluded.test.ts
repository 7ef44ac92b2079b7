/**
 * A base that takes no part this round (Annex 4, third table: 取消称号) sends its materials: they are kept and shown
 * apart (status, API, dashboard), the sender hears that a city may recommend the base, and staff turn it into a
 * recommended base in one step, keeping everything it sent; later mail then counts for the new base.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { type AppContext, fixedClock } from '../../shared/use-cases/context.ts';
import { recommendExcludedBase } from '../../shared/use-cases/excluded.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { queryStatus } from '../../shared/use-cases/query.ts';
import { listRegistry } from '../../shared/use-cases/registry.ts';
import { buildEmail } from '../fixtures/email.ts';
import { RecordingMailer } from '../fixtures/notices.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, TEST_ACCOUNTS, TEST_SECRET } from './http-seed.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/intake.mjs');
const RECEIVED = new Date('2023-11-08T01:00:00Z'); // 9:00 Beijing, 8 November
const NOW = new Date('2023-11-08T01:00:05Z');

describe('excluded bases', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let ctx: AppContext & { mailer: RecordingMailer };
  let submissionId: string;
  beforeAll(async () => {
    stack = await startTestStack(fixedClock(NOW));
    ctx = { ...stack.ctx, mailer: new RecordingMailer() };
    const form = await buildReportFormXlsx({ header: { baseName: '沁水县直播孵化体' }, values: SAMPLE_FORM_VALUES });
    const result = await ingestMessage(ctx, {
      channel: 'cli',
      raw: await buildEmail({
        subject: '沁水县直播孵化体申报材料',
        from: '"沁水" <qinshui@example.cn>',
        receivedAt: RECEIVED,
        attachments: [{ filename: '沁水县直播孵化体报告表.xlsx', content: form }],
      }),
    });
    submissionId = result.submissionId;
  }, 120_000);
  afterAll(async () => {
    await stack.dispose();
  });

  it('lists the submission under excluded, apart from the participating bases and the unmatched queue', async () => {
    // Act
    const report = await queryStatus(ctx, { asOf: NOW });
    const ofOtherCity = await queryStatus(ctx, { asOf: NOW, city: 'taiyuan' });

    // Assess
    expect(report.excluded).toEqual([
      {
        submissionId,
        base: { id: 'x02', name: '沁水县直播孵化体', city: 'jincheng', category: 'cancelled' },
        reason: '已取消称号，不在本年度参评基地名单内',
        from: '"沁水" <qinshui@example.cn>',
        subject: '沁水县直播孵化体申报材料',
        receivedAt: RECEIVED.toISOString(),
        fileNames: ['沁水县直播孵化体报告表.xlsx'],
      },
    ]);
    expect(report.bases.some((b) => b.baseId === 'x02')).toBe(false);
    expect(report.unmatched.some((u) => u.submissionId === submissionId)).toBe(false);
    expect(ofOtherCity.excluded).toEqual([]);
  });

  it('tells the sender politely that the base is not in this round and that a city may recommend it', () => {
    // Assess
    expect(ctx.mailer.sent).toHaveLength(1);
    const ack = ctx.mailer.sent[0]!;
    expect(ack.text).toMatch(/^沁水县直播孵化体：\n/);
    expect(ack.text).toContain('省商务厅电商处已于11月8日9时（北京时间）收到主题为“沁水县直播孵化体申报材料”的邮件');
    expect(ack.text).toContain('经核对，“沁水县直播孵化体”不在本年度参评基地名单内（2021年度评价结果中为“取消称号”）');
    expect(ack.text).toContain('可由所在市商务局（综改示范区管委会）在报送的正式公函中将其作为新推荐基地择优推荐');
    expect(ack.text).not.toContain('仍缺少');
    expect(ack.text).not.toContain('请人工确认'); // the staff-facing finding is not for the sender
    expect(ack.text).toMatch(/\n山西省商务厅电子商务处\n2023年11月8日\n/);
  });

  it('shows them on the dashboard beside 待分配, with the one-step button for staff, and in the API', async () => {
    // Prepare
    const app = createHttpApp(ctx, { accounts: TEST_ACCOUNTS, secret: TEST_SECRET, wallClock: () => new Date() });
    const login = async (name: string, password: string) => {
      const res = await app.request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name, password, next: '/' }).toString(),
      });
      return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    };
    const staff = await login('admin', PASSWORDS.admin);
    const bureau = await login('cz', PASSWORDS.cz); // 长治: the base is 晋城's

    // Act
    const overview = await (await app.request('/', { headers: { cookie: staff } })).text();
    const pageText = await (await app.request('/excluded', { headers: { cookie: staff } })).text();
    const bureauPage = await (await app.request('/excluded', { headers: { cookie: bureau } })).text();
    const api = (await (await app.request('/api/status', { headers: { cookie: staff } })).json()) as {
      excluded: { submissionId: string }[];
    };
    const bureauApi = (await (await app.request('/api/excluded', { headers: { cookie: bureau } })).json()) as unknown[];
    const otherCity = await app.request('/api/excluded?city=jincheng', { headers: { cookie: bureau } });

    // Assess
    expect(overview).toMatch(
      /待分配邮件<\/div><\/a>\n<a class="card" href="\/excluded" id="excluded-card"><div class="n">1<\/div>/,
    );
    expect(overview).toContain('<a href="/excluded" class="">名单外来件</a>');
    expect(pageText).toContain('沁水县直播孵化体（晋城市）');
    expect(pageText).toContain('11月8日9时');
    expect(pageText).toContain('action="/ui/recommend"');
    expect(pageText).toContain('转为本轮新推荐基地');
    expect(bureauPage).not.toContain('沁水县直播孵化体');
    expect(bureauPage).not.toContain('action="/ui/recommend"');
    expect(api.excluded.map((e) => e.submissionId)).toEqual([submissionId]);
    expect(bureauApi).toEqual([]);
    expect(otherCity.status).toBe(403);
  });

  it('turns the base into a recommended base in one step, keeping its documents; later mail counts for it', async () => {
    // Act
    const done = await recommendExcludedBase(ctx, { submissionId, actor: 'tester', reason: '晋城市商务局公函推荐' });
    const registry = await listRegistry(ctx);
    const report = await queryStatus(ctx, { asOf: NOW });
    const later = await ingestMessage(ctx, {
      channel: 'cli',
      raw: await buildEmail({
        subject: '沁水县直播孵化体 自评报告',
        receivedAt: new Date('2023-11-08T01:00:04Z'),
        text: '补充',
      }),
    });

    // Assess
    expect(done.replaces).toEqual({ id: 'x02', name: '沁水县直播孵化体' });
    expect(done.submissions).toEqual([submissionId]);
    expect(done.base).toMatchObject({
      name: '沁水县直播孵化体',
      city: 'jincheng',
      category: 'new',
      participating: true,
    });
    expect(registry.filter((b) => b.name === '沁水县直播孵化体').map((b) => b.id)).toEqual([done.base.id]);
    expect(report.excluded).toEqual([]);
    const status = report.bases.find((b) => b.baseId === done.base.id)!;
    expect(status).toMatchObject({ category: 'new', submissions: 1 });
    expect(status.documents.map((d) => [d.fileName, d.kind])).toEqual([['沁水县直播孵化体报告表.xlsx', 'report-form']]);
    expect(status.formValues.length).toBeGreaterThan(0);
    const audit = await ctx.records.audit.list(done.base.id);
    expect(audit.map((e) => e.action)).toContain('recommend-excluded-base');
    expect(later.baseId).toBe(done.base.id);
    await expect(recommendExcludedBase(ctx, { submissionId, actor: 'tester', reason: 'again' })).rejects.toThrow(
      /not from a base that takes no part/,
    );
  });
});

describe('intake recommend (CLI)', () => {
  it('lists the excluded submission in status --json, then turns it into a recommended base', async () => {
    // Prepare
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'intake-excluded-'));
    try {
      const eml = join(dir, 'x.eml');
      await writeFile(
        eml,
        await buildEmail({
          subject: '吕梁电商扶贫创业孵化园材料',
          receivedAt: new Date('2023-11-09T02:00:00Z'),
          text: '请查收',
          attachments: [{ filename: '说明.txt', content: Buffer.from('见附件') }],
        }),
      );
      const dataDir = join(dir, 'data');
      const intake = async (...args: string[]) =>
        (await run(process.execPath, [CLI, ...args, '--data-dir', dataDir], { maxBuffer: 1 << 26 })).stdout;
      await intake('ingest', eml);

      // Act
      const before = JSON.parse(await intake('status', '--json', '--as-of', '2023-11-09T18:00:00+08:00'));
      const id = before.excluded[0].submissionId as string;
      const done = JSON.parse(await intake('recommend', id, '--reason', '吕梁市商务局公函', '--json'));
      const after = JSON.parse(await intake('status', '--json', '--as-of', '2023-11-09T18:00:00+08:00'));

      // Assess
      expect(before.excluded).toHaveLength(1);
      expect(before.excluded[0]).toMatchObject({ base: { id: 'x04', city: 'lvliang' }, fileNames: ['说明.txt'] });
      expect(done).toMatchObject({ replaces: { id: 'x04' }, submissions: [id], base: { category: 'new' } });
      expect(after.excluded).toEqual([]);
      expect(after.bases).toHaveLength(31);
      expect(after.bases.find((b: { baseId: string }) => b.baseId === done.base.id)).toMatchObject({
        city: 'lvliang',
        submissions: 1,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
