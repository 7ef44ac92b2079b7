import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalContext } from '../../shared/composition/local.ts';
import { buildEmail } from '../fixtures/email.ts';
import { AFTER_DEADLINE, FIRST_SECONDS_LATE, LATENESS_CASES, seedLatenessCases } from '../fixtures/lateness.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/intake.mjs');

async function intake(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

describe('intake CLI', () => {
  let dir: string;
  let eml: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'intake-cli-'));
    const form = await buildReportFormXlsx({ header: { baseName: '平顺网红直播基地' }, values: SAMPLE_FORM_VALUES });
    eml = join(dir, '平顺.eml');
    await writeFile(
      eml,
      await buildEmail({
        subject: '平顺网红直播基地综合评价材料',
        receivedAt: new Date('2023-11-09T08:30:00Z'),
        attachments: [{ filename: '经营服务情况报告表.xlsx', content: form }],
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ingests an .eml and shows all 30 bases with the ingested one updated', async () => {
    // Prepare
    const dataDir = join(dir, 'data');

    // Act
    const ingested = JSON.parse(await intake('ingest', '--data-dir', dataDir, '--json', eml));
    const status = JSON.parse(
      await intake('status', '--data-dir', dataDir, '--json', '--as-of', '2023-11-09T18:00:00+08:00'),
    );

    // Assess
    expect(ingested[0]).toMatchObject({ baseId: 'p11', duplicate: false });
    expect(status.bases).toHaveLength(30);
    expect(new Set(status.bases.map((b: { city: string }) => b.city)).size).toBe(12);
    const pingshun = status.bases.find((b: { name: string }) => b.name === '平顺网红直播基地');
    expect(pingshun).toMatchObject({
      city: 'changzhi',
      category: 'provincial',
      state: 'incomplete',
      late: false,
      submissions: 1,
    });
    expect(pingshun.missing.documents).toEqual(['self-assessment']);
    expect(pingshun.formValues.find((v: { item: number }) => v.item === 32).value).toBe(12000);
    const others = status.bases.filter((b: { name: string }) => b.name !== '平顺网红直播基地');
    expect(others.every((b: { state: string }) => b.state === 'not-received')).toBe(true);
    expect(status.unmatched).toEqual([]);
  });

  it('prints the notices of a dry run as JSON in the DESIGN.md shape', async () => {
    // Prepare
    const dataDir = join(dir, 'data');

    // Act
    const notices = JSON.parse(
      await intake('notices', '--data-dir', dataDir, '--dry-run', '--json', '--as-of', '2023-11-11T09:00:00+08:00'),
    );

    // Assess
    expect(notices).toHaveLength(12);
    const changzhi = notices.find((n: { city: string }) => n.city === 'changzhi');
    expect(changzhi.to).toEqual(['changzhi@bureau.example.cn']);
    expect(changzhi.bases.map((b: { name: string }) => b.name)).toContain('平顺网红直播基地');
    expect(changzhi.text).toContain('长治市商务局');
    expect(changzhi.text).toContain('自评报告');
  });

  it('tells late (逾期提交) and overdue (截止仍缺) apart in status --json and in the table', async () => {
    // Prepare
    const dataDir = join(dir, 'lateness');
    const local = await createLocalContext({ dataDir });
    try {
      await seedLatenessCases(local.ctx.records, local.ctx.round);
    } finally {
      await local.close();
    }

    // Act
    const status = JSON.parse(await intake('status', '--data-dir', dataDir, '--json', '--as-of', AFTER_DEADLINE));
    const table = await intake('status', '--data-dir', dataDir, '--city', 'taiyuan', '--as-of', AFTER_DEADLINE);

    // Assess
    const byId = (id: string) => status.bases.find((b: { baseId: string }) => b.baseId === id);
    expect(byId(LATENESS_CASES.neither)).toMatchObject({
      state: 'complete',
      late: false,
      lateItems: [],
      overdue: false,
      overdueItems: [],
    });
    expect(byId(LATENESS_CASES.lateOnly)).toMatchObject({
      state: 'complete',
      late: true,
      lateItems: [{ element: 'self-assessment', receivedAt: FIRST_SECONDS_LATE, message: '自评报告逾期提交' }],
      overdue: false,
      overdueItems: [],
    });
    expect(byId(LATENESS_CASES.overdueOnly)).toMatchObject({
      state: 'incomplete',
      late: false,
      lateItems: [],
      overdue: true,
      overdueItems: [
        { element: 'evidence', indicator: 'building-area', message: '直播电商基地建筑面积的证明材料截止时仍未提交' },
      ],
    });
    const line = (name: string) => table.split('\n').find((l) => l.includes(name)) ?? '';
    expect(line('邮拓直播电商基地')).toContain('材料齐全');
    expect(line('邮拓直播电商基地')).not.toMatch(/逾期提交|截止仍缺/);
    expect(line('山西千万亿直播基地')).toContain('材料齐全（逾期提交）');
    expect(line('龙巅兴趣直播基地')).toContain('材料不完整（截止仍缺）');
    expect(line('睿信传媒电商直播基地')).toContain('未收到材料（截止仍缺）');
  });

  it('refuses an invalid --as-of with a clear message', async () => {
    // Act
    const failure = await intake('status', '--data-dir', join(dir, 'data'), '--as-of', 'yesterday').catch((e) => e);

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect(String(failure.stderr)).toContain('not an ISO 8601 time');
  });

  it('explains how file names would be classified, as JSON, without a data directory', async () => {
    // Act
    const explained = JSON.parse(
      await intake('classify', '--explain', '17.xlsx', '商家主播.pdf', '经营服务情况报告表.xlsx'),
    );
    const inFolder = JSON.parse(await intake('classify', '--explain', '--folder', '证明材料/21 党员', '名单.xlsx'));

    // Assess
    expect(explained).toHaveLength(3);
    expect(explained[0]).toMatchObject({ name: '17.xlsx', indicators: ['livestreams'], decision: 'decided' });
    expect(explained[0].reasons.join('；')).toContain('按编号17判定');
    expect(explained[0].confidence).toBeGreaterThan(0.5);
    expect(explained[1]).toMatchObject({ name: '商家主播.pdf', indicators: [], decision: 'asked' });
    expect(explained[2]).toMatchObject({ kind: 'report-form', indicators: [] });
    expect(inFolder[0]).toMatchObject({ indicators: ['party-members'], decision: 'decided' });
  });

  it('lists the unclassified queue and classifies a file for several indicators by hand', async () => {
    // Prepare: 邮拓 sends its form and two files the classifier cannot place.
    const dataDir = join(dir, 'queue');
    const mail = join(dir, '邮拓.eml');
    const form = await buildReportFormXlsx({ header: { baseName: '邮拓直播电商基地' }, values: SAMPLE_FORM_VALUES });
    await writeFile(
      mail,
      await buildEmail({
        subject: '邮拓直播电商基地 申报材料',
        receivedAt: new Date('2023-11-08T02:00:00Z'),
        attachments: [
          { filename: '经营服务情况报告表.xlsx', content: form },
          { filename: '商家主播.pdf', content: Buffer.from('%PDF-1.4 not really\n') },
          { filename: '人员名单.xlsx', content: Buffer.from('not a workbook') },
        ],
      }),
    );
    await intake('ingest', '--data-dir', dataDir, '--json', mail);

    // Act
    const queue = JSON.parse(await intake('unclassified', '--data-dir', dataDir, '--json'));
    const table = await intake('unclassified', '--data-dir', dataDir, '--city', 'taiyuan');
    const roster = queue.find((d: { fileName: string }) => d.fileName === '人员名单.xlsx');
    const status = JSON.parse(
      await intake(
        'classify',
        roster.documentId,
        'evidence',
        '--indicator',
        'employees',
        '--indicator',
        'party-members',
        '--reason',
        '员工花名册，含政治面貌一栏',
        '--data-dir',
        dataDir,
        '--json',
      ),
    );
    const after = JSON.parse(await intake('unclassified', '--data-dir', dataDir, '--json'));
    const elsewhere = await intake('unclassified', '--data-dir', dataDir, '--city', 'datong');

    // Assess
    expect(queue.map((d: { fileName: string }) => d.fileName).sort()).toEqual(['人员名单.xlsx', '商家主播.pdf']);
    const merchants = queue.find((d: { fileName: string }) => d.fileName === '商家主播.pdf');
    expect(merchants).toMatchObject({ baseId: 'p02', city: 'taiyuan', decision: 'asked' });
    expect(merchants.candidates.map((c: { indicator: string }) => c.indicator)).toContain('merchants-products');
    expect(table).toContain('邮拓直播电商基地');
    expect(table).toContain('商家主播.pdf');
    expect(table).toContain('共 2 个文件');
    const counted = status.documents.find((d: { fileName: string }) => d.fileName === '人员名单.xlsx');
    expect(counted.indicators.sort()).toEqual(['employees', 'party-members']);
    expect(after.map((d: { fileName: string }) => d.fileName)).toEqual(['商家主播.pdf']);
    expect(elsewhere.trim()).toBe('没有待核实的材料');
  });
});
