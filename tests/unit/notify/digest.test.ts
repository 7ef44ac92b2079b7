import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { renderCityDigest } from '../../../shared/domain/notice-text.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { expandArchive } from '../../../shared/parsing/archive.ts';
import { buildDigestWorkbook, DIGEST_COLUMNS } from '../../../shared/use-cases/notice-workbook.ts';
import { baseStatus } from '../../fixtures/notices.ts';

const round = loadRound('2023');
const taiyuan = round.cities.find((c) => c.id === 'taiyuan')!;
const AS_OF = new Date('2023-11-11T09:00:00+08:00');
const ON_TIME = '2023-11-08T02:00:00.000Z'; // 10:00 Beijing, 8 November
const LATE = '2023-11-10T16:30:00.000Z'; // 00:30 Beijing, 11 November

/**
 * Taiyuan after the deadline: a base complete but late (逾期提交 only), a base that sent on time without its report
 * form and one missing two evidence items (截止仍缺 only), one that sent nothing (截止仍缺).
 */
function taiyuanStatuses(asOf = AS_OF.toISOString()) {
  return [
    baseStatus(round, 'p02', asOf, {
      state: 'complete',
      late: true,
      lateItems: [{ element: 'report-form', receivedAt: LATE, message: '经营服务情况报告表逾期提交' }],
      submissions: 2,
      firstReceivedAt: ON_TIME,
      lastReceivedAt: LATE,
      documents: [
        {
          id: 'a',
          fileName: '自评报告.pdf',
          kind: 'self-assessment',
          indicator: null,
          indicators: [],
          asked: [],
          receivedAt: ON_TIME,
        },
        {
          id: 'b',
          fileName: '报告表.xlsx',
          kind: 'report-form',
          indicator: null,
          indicators: [],
          asked: [],
          receivedAt: LATE,
        },
      ],
      missing: { documents: [], formItems: [], evidence: [] },
    }),
    baseStatus(round, 'p03', asOf, {
      state: 'incomplete',
      overdue: true,
      overdueItems: [{ element: 'report-form', message: '经营服务情况报告表截止时仍未提交' }],
      submissions: 1,
      firstReceivedAt: ON_TIME,
      lastReceivedAt: ON_TIME,
      documents: [
        {
          id: 'c',
          fileName: '龙巅自评报告.pdf',
          kind: 'self-assessment',
          indicator: null,
          indicators: [],
          asked: [],
          receivedAt: ON_TIME,
        },
      ],
      missing: { documents: ['report-form'], formItems: [], evidence: [] },
    }),
    baseStatus(round, 'p06', asOf, {
      state: 'incomplete',
      overdue: true,
      overdueItems: [
        { element: 'evidence', indicator: 'bandwidth', message: '网络带宽的证明材料截止时仍未提交' },
        { element: 'evidence', indicator: 'financing', message: '投融资的证明材料截止时仍未提交' },
      ],
      submissions: 1,
      firstReceivedAt: ON_TIME,
      lastReceivedAt: ON_TIME,
      documents: [
        {
          id: 'd',
          fileName: '报告表.xlsx',
          kind: 'report-form',
          indicator: null,
          indicators: [],
          asked: [],
          receivedAt: ON_TIME,
        },
        {
          id: 'e',
          fileName: '自评报告.pdf',
          kind: 'self-assessment',
          indicator: null,
          indicators: [],
          asked: [],
          receivedAt: ON_TIME,
        },
      ],
      missing: { documents: [], formItems: [], evidence: ['bandwidth', 'financing'] },
      findings: [
        {
          code: 'rule.unit-suspect',
          severity: 'warning',
          message: '第32项交易额填写为1.2万元，数值过小，疑似按亿元填写（单位应为万元）。',
          item: 32,
        },
      ],
    }),
    baseStatus(round, 'r03', asOf, {
      overdue: true,
      overdueItems: [
        { element: 'report-form', message: '经营服务情况报告表截止时仍未提交' },
        { element: 'self-assessment', message: '自评报告截止时仍未提交' },
      ],
    }),
  ];
}

function render(asOf = AS_OF) {
  return renderCityDigest({
    round,
    city: taiyuan,
    statuses: taiyuanStatuses(asOf.toISOString()),
    registry: round.bases,
    asOf,
    letterReceivedAt: null,
  });
}

describe('city digest', () => {
  it('names, in Chinese, the late base, the missing report form and the two missing evidence items', () => {
    // Act
    const digest = render();

    // Assess
    expect(digest.text).toMatch(/^太原市商务局：/);
    expect(digest.text).toContain('你局所辖4个参评基地中，1个电子材料齐全，3个尚有缺项');
    expect(digest.text).toContain(
      '根据《山西省商务厅关于开展2022—2023年度省级直播电商基地综合评价工作的通知》（晋商电便〔2023〕85号），参评基地应于2023年11月10日24时（北京时间）前',
    );
    expect(digest.text).toContain('截至11月11日9时，你局所辖');
    expect(digest.text).toMatch(/\n山西省商务厅电子商务处\n2023年11月11日\n/);
    expect(digest.subject).toBe(
      '【山西省2022—2023年度省级直播电商基地综合评价】太原市参评基地电子材料报送（接收）情况（截至11月11日9时）',
    );
    expect(digest.text).toMatch(
      /邮拓直播电商基地：最近收到11月11日0时30分0秒；.*逾期提交：经营服务情况报告表逾期提交（11月11日0时30分0秒收到）/,
    );
    expect(digest.text).toMatch(
      /、龙巅兴趣直播基地（省级直播电商基地，2021年度评价等级.）\n {2}状态：材料不完整（截止仍缺）\n/,
    );
    expect(digest.text).toContain('  缺少材料：经营服务情况报告表\n');
    expect(digest.text).toContain('  缺少证明材料：网络带宽；直播电商基地获得投融资总额\n');
    expect(digest.text).toContain('疑似按亿元填写（单位应为万元）');
    expect(digest.text).toMatch(
      /睿信传媒电商直播基地（地市推荐基地.*）\n {2}状态：未收到材料（截止仍缺）\n {2}尚未收到该基地的任何电子材料。/,
    );
    expect(digest.text).toContain('公函：尚未收到');
    expect(digest.text).toContain('联系乔勇');
    expect(digest.hasGaps).toBe(true);
    expect(digest.received).toBe(true);
  });

  it('lists only the bases that are not complete in detail, the complete one in a line', () => {
    // Act
    const digest = render();

    // Assess
    const detailed = digest.body.split('\n').filter((line) => /^[一二三四五六七八九十]+、/.test(line));
    expect(detailed.map((line) => line.replace(/（.*$/, ''))).toEqual([
      '一、龙巅兴趣直播基地',
      '二、山西千万亿直播基地',
      '三、睿信传媒电商直播基地',
    ]);
    expect(digest.body).toContain('电子材料齐全的基地：\n  · 邮拓直播电商基地');
  });

  it("gives the bureau each incomplete base's own upload link to pass on, where the runtime signs them", () => {
    // Act
    const digest = renderCityDigest({
      round,
      city: taiyuan,
      statuses: taiyuanStatuses(),
      registry: round.bases,
      asOf: AS_OF,
      letterReceivedAt: null,
      uploadLinkFor: (baseId) => `http://intake.test/upload/b/t-${baseId}`,
    });

    // Assess: one line per base with gaps (three), none for the complete one; none at all without links.
    expect(
      digest.text.match(
        /补交链接（可转给该基地，基地名称已填好，仅供该基地使用）：http:\/\/intake\.test\/upload\/b\/t-[\w-]+/g,
      ),
    ).toHaveLength(3);
    expect(digest.text).not.toContain('t-p02');
    expect(digest.html).toContain('<a href="http://intake.test/upload/b/t-p03">');
    expect(render().text).not.toContain('补交链接');
    // Links are not facts: the digest hashes the same with them, so a link signed later sends nothing again.
    expect(digest.body).toBe(render().body);
  });

  it('keeps the facts free of the as-of time, so the same facts hash the same a day later', () => {
    // Act
    const today = render(AS_OF);
    const tomorrow = render(new Date(AS_OF.getTime() + 86_400_000));

    // Assess
    expect(tomorrow.body).toBe(today.body);
    expect(tomorrow.text).not.toBe(today.text);
    expect(tomorrow.subject).toContain('（截至11月12日9时）');
  });

  it('tells 逾期提交 (sent after the deadline) and 截止仍缺 (still missing) apart in text, HTML and workbook', async () => {
    // Prepare
    const statuses = taiyuanStatuses();

    // Act
    const digest = render();
    const buffer = await buildDigestWorkbook({ round, city: taiyuan, statuses, registry: round.bases, asOf: AS_OF });

    // Assess
    const block = (name: string) => digest.text.slice(digest.text.indexOf(name)).split('\n\n')[0] ?? '';
    expect(block('龙巅兴趣直播基地')).toContain('截止仍缺：已过截止时间，以上缺少的1项材料仍未收到。');
    expect(block('龙巅兴趣直播基地')).not.toContain('逾期提交');
    expect(block('邮拓直播电商基地')).toContain('逾期提交：经营服务情况报告表逾期提交（11月11日0时30分0秒收到）');
    expect(block('邮拓直播电商基地')).not.toContain('截止仍缺');
    expect(digest.text).not.toContain('存在逾期');
    expect(digest.html).toContain('<th>逾期提交</th><th>截止仍缺</th>');
    expect(digest.html).toContain('<tr><td>邮拓直播电商基地</td><td>省级直播电商基地');
    const summaryRow = (name: string) =>
      digest.html
        .match(new RegExp(`<tr><td>${name}</td><td>[^<]*</td><td>[^<]*</td><td>(.)</td><td>(.)</td>`))
        ?.slice(1);
    expect(summaryRow('邮拓直播电商基地')).toEqual(['是', '否']);
    expect(summaryRow('龙巅兴趣直播基地')).toEqual(['否', '是']);
    expect(digest.html).toContain('<th style="text-align:left;white-space:nowrap">截止仍缺</th>');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('报送情况')!;
    const rows = [3, 4, 5, 6].map((n) => (sheet.getRow(n).values as unknown[]).slice(1));
    const byName = new Map(rows.map((r) => [r[1], r]));
    expect(DIGEST_COLUMNS.slice(4, 6)).toEqual(['逾期提交', '截止仍缺']);
    expect(byName.get('邮拓直播电商基地')?.slice(4, 6)).toEqual(['是', '否']);
    expect(byName.get('邮拓直播电商基地')?.[DIGEST_COLUMNS.indexOf('逾期提交事项（收到时间）')]).toBe(
      '经营服务情况报告表逾期提交（11月11日0时30分0秒收到）',
    );
    expect(byName.get('龙巅兴趣直播基地')?.slice(4, 6)).toEqual(['否', '是']);
    expect(byName.get('龙巅兴趣直播基地')?.[DIGEST_COLUMNS.indexOf('截止仍缺事项')]).toBe(
      '经营服务情况报告表截止时仍未提交',
    );
  });

  it('has an HTML part with one table per base and escaped text', () => {
    // Prepare
    const statuses = taiyuanStatuses();
    statuses[1]!.documents[0]!.fileName = '<script>.pdf';

    // Act
    const digest = renderCityDigest({
      round,
      city: taiyuan,
      statuses,
      registry: round.bases,
      asOf: AS_OF,
      letterReceivedAt: '2023-11-09T02:00:00.000Z',
    });

    // Assess
    expect(digest.html.match(/<table/g)).toHaveLength(4); // the summary and the three open bases
    expect(digest.html).toContain('<h3>二、山西千万亿直播基地</h3>');
    expect(digest.html).toContain(
      '<th style="text-align:left;white-space:nowrap">缺少证明材料</th><td>网络带宽；直播电商基地获得投融资总额</td>',
    );
    expect(digest.html).toContain('&lt;script&gt;.pdf');
    expect(digest.html).not.toContain('<script>');
    expect(digest.text).toContain('公函：已收到（11月9日10时）');
  });

  it('builds a workbook with one row per base the bureau can forward', async () => {
    // Prepare
    const statuses = taiyuanStatuses();

    // Act
    const buffer = await buildDigestWorkbook({ round, city: taiyuan, statuses, registry: round.bases, asOf: AS_OF });

    // Assess
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('报送情况')!;
    const row = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1).map((v) => (v ?? '') as unknown);
    expect(row(2)).toEqual([...DIGEST_COLUMNS]);
    expect(sheet.rowCount).toBe(2 + statuses.length);
    const byName = new Map([3, 4, 5, 6].map((n) => [row(n)[1], row(n)]));
    expect(byName.get('邮拓直播电商基地')?.slice(3, 9)).toEqual([
      '材料齐全',
      '是',
      '否',
      2,
      '11月8日10时',
      '11月11日0时30分0秒',
    ]);
    expect(byName.get('龙巅兴趣直播基地')?.[9]).toBe('经营服务情况报告表');
    expect(byName.get('山西千万亿直播基地')?.[DIGEST_COLUMNS.indexOf('缺少证明材料')]).toBe(
      '网络带宽\n直播电商基地获得投融资总额',
    );
    expect(byName.get('山西千万亿直播基地')?.[DIGEST_COLUMNS.indexOf('需核实事项')]).toContain('疑似按亿元填写');
    expect(byName.get('睿信传媒电商直播基地')?.[3]).toBe('未收到材料');
  });

  it('lays the workbook out for reading (merged title, frozen bold headings, wide wrapped columns) and repeatably', async () => {
    // Prepare
    const input = { round, city: taiyuan, statuses: taiyuanStatuses(), registry: round.bases, asOf: AS_OF };

    // Act
    const buffer = await buildDigestWorkbook(input);
    const again = await buildDigestWorkbook(input);

    // Assess
    // The zip entries carry the time of writing (write-excel-file sets no fixed date), so the parts are compared.
    const parts = async (data: Buffer) =>
      (await expandArchive(data, { fileName: 'digest.xlsx' })).entries.map((e) => [e.path, e.content.toString()]);
    expect(await parts(again)).toEqual(await parts(buffer));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
    expect(workbook.creator).toBe(round.title);
    expect(workbook.modified?.toISOString()).toBe(AS_OF.toISOString());
    const sheet = workbook.getWorksheet('报送情况')!;
    expect(sheet.getCell('P1').isMerged).toBe(true);
    expect(sheet.getCell('A1').font).toMatchObject({ bold: true, size: 13 });
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.getCell('B2').font?.bold).toBe(true);
    expect(sheet.getCell('B2').fill).toMatchObject({ pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } });
    expect(sheet.getColumn(DIGEST_COLUMNS.indexOf('需核实事项') + 1).width).toBe(50);
    expect(sheet.getCell('K5').alignment).toMatchObject({ wrapText: true, vertical: 'top' });
  });
});
