/**
 * The report form as bases lay it out themselves: one row per blank (with the item number repeated for an item's
 * second blank), labels with the notice's period prefix, 是 typed beside a 是/否 unit column, the notice's own
 * sentences pasted into a cell, a survey tool's one-row export, 是/否 for a tick item — and disagreeing entries,
 * which stay unread with a finding rather than become a value.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseReportForm, type ReportFormResult } from '../../../shared/parsing/report-form/index.ts';
import { FORM_2023 } from '../../fixtures/report-form.ts';

type Row = (string | number | null)[];

async function readRows(rows: Row[]): Promise<ReportFormResult> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('填报');
  for (const row of rows) sheet.addRow(row);
  const data = Buffer.from(await book.xlsx.writeBuffer());
  return parseReportForm(data, FORM_2023, { fileName: '报告表.xlsx' });
}

/** `item.field` -> value for the items asked. */
function valuesOf(result: ReportFormResult, items: number[]): Record<string, unknown> {
  return Object.fromEntries(
    result.values.filter((v) => items.includes(v.item)).map((v) => [`${v.item}.${v.field}`, v.value]),
  );
}

function sourceOf(result: ReportFormResult, item: number, field: string) {
  return result.values.find((v) => v.item === item && v.field === field)?.source;
}

describe('report form laid out by the base', () => {
  it('reads an item whose two blanks stand on two rows under one item number', async () => {
    // Act
    const result = await readRows([
      ['序号', '指标', '数值', '单位'],
      [4, '入驻商家数量', 128, '个'],
      [4, '其中山西老字号商家数量', 9, '个'],
      [5, '入驻商家产品数量', 860, '个'],
      [5, '其中：山西产品数量', 430, '个'],
      [13, '累计直播电商培训场次', 24, '场'],
      [13, '直播电商培训人数', 1260, '人'],
      [17, '平均每月累计直播场次', 300, '场'],
      [17, '直播累计时长', 1500, '小时'],
    ]);

    // Assess
    expect(valuesOf(result, [4, 5, 13, 17])).toEqual({
      '4.merchants': 128,
      '4.laozihao': 9,
      '5.products': 860,
      '5.shanxiProducts': 430,
      '13.sessions': 24,
      '13.trainees': 1260,
      '17.sessions': 300,
      '17.hours': 1500,
    });
    expect(sourceOf(result, 4, 'laozihao')).toEqual({ place: '填报!C3', how: 'label', confidence: 'high' });
    expect(result.findings).toEqual([]);
  });

  it('matches labels that carry the evaluation period, with the unit in its own column', async () => {
    // Act
    const result = await readRows([
      ['指标', '数值', '单位'],
      ['2022年9月-2023年8月直播电商基地累计交易额', 15000, '万元'],
      ['2022年9月-2023年8月直播电商基地带动山西产品累计交易额', 5600, '万元'],
      ['2022.9-2023.8直播电商基地缴税总额', 120.5, '万元'],
    ]);

    // Assess
    expect(valuesOf(result, [32, 33, 34])).toEqual({ '32.gmv': 15000, '33.shanxiGmv': 5600, '34.tax': 120.5 });
  });

  it('reads 是 and 否 typed beside a 是/否 unit column, and a short label such as 网络带宽', async () => {
    // Act
    const result = await readRows([
      ['指标', '填报', '单位'],
      ['网络带宽', 2000, 'Mbps'],
      ['基地是否设立或实施区域性的直播电商人才引进政策', '是', '是/否'],
      ['是否设立或实施区域性的直播电商人才培养政策', '否', '是/否'],
      ['是否开展或合作开展直播电商信用评价工作', null, '是/否'],
    ]);

    // Assess: the hint column is never an answer
    expect(valuesOf(result, [3, 12, 44])).toEqual({
      '3.bandwidth': 2000,
      '12.introPolicy': true,
      '12.trainPolicy': false,
      '44.creditEvaluation': null,
    });
    expect(result.findings).toEqual([]);
  });

  it('reads the notice’s own sentences pasted into a cell, never taking 1.2 for item 1 and 2', async () => {
    // Act
    const result = await readRows([
      ['基础硬件', '1. 直播电商基地建筑面积 1.2 万平方米。 2. 基地配套专业直播间数量 36 间。 3. 网络带宽 1000 Mbps。'],
      [
        '基础软件',
        '4. 入驻商家数量 128 个，其中山西老字号商家数量 9 个。 5. 入驻商家产品数量 860 个，其中山西产品数量 430 个。 6. 基地主播数量 80 人。',
      ],
    ]);

    // Assess
    expect(valuesOf(result, [1, 2, 3, 4, 5, 6])).toEqual({
      '1.area': 1.2,
      '2.rooms': 36,
      '3.bandwidth': 1000,
      '4.merchants': 128,
      '4.laozihao': 9,
      '5.products': 860,
      '5.shanxiProducts': 430,
      '6.anchors': 80,
    });
    expect(sourceOf(result, 1, 'area')).toMatchObject({ place: '填报!B1', how: 'sentence' });
  });

  it('reads a survey-tool export: questions across one header row, answers below, choices joined by ┋', async () => {
    // Act
    const result = await readRows([
      [
        '序号',
        '提交时间',
        '1.直播电商基地建筑面积（万平方米）',
        '3.网络带宽（Mbps）',
        '4.入驻商家数量（个）',
        '4.其中山西老字号商家数量（个）',
        '12.基地是否设立或实施区域性的直播电商人才引进政策',
        '12.是否设立或实施区域性的直播电商人才培养政策',
        '20.为入驻商家提供的服务类型',
      ],
      [1, '2023/11/08 10:00:00', 1.2, 2000, 128, 9, '是', '否', '仓储物流┋客服托管┋其他〖冷链配送〗'],
    ]);

    // Assess
    expect(valuesOf(result, [1, 3, 4, 12, 20])).toEqual({
      '1.area': 1.2,
      '3.bandwidth': 2000,
      '4.merchants': 128,
      '4.laozihao': 9,
      '12.introPolicy': true,
      '12.trainPolicy': false,
      '20.services': ['仓储物流', '客服托管', '其他：冷链配送'],
    });
    expect(sourceOf(result, 4, 'laozihao')).toEqual({ place: '填报!F2', how: 'column-header', confidence: 'high' });
  });

  it('takes 否 for a tick item as nothing ticked, and 是 as claimed with a finding that asks which', async () => {
    // Act
    const result = await readRows([
      ['23', '为落实党建工作责任制，开展了哪些工作', '否', '是/否'],
      ['24', '为坚定党员理想信念，主要开展了哪些学习教育活动', '是', '是/否'],
    ]);

    // Assess
    expect(valuesOf(result, [23, 24])).toEqual({ '23.responsibility': [], '24.study': ['是'] });
    expect(result.findings.map((f) => [f.code, f.severity, f.item])).toEqual([['form.ticks-claimed', 'info', 24]]);
  });

  it('leaves a blank unread, with a finding showing both, when the form gives it two different values', async () => {
    // Act
    const result = await readRows([
      ['直播电商基地建筑面积', 1.2, '万平方米'],
      ['直播电商基地建筑面积', 2, '万平方米'],
      ['基地主播数量', 80, '人'],
      ['基地主播数量', 80, '人'],
    ]);

    // Assess: the same value twice is no conflict
    expect(valuesOf(result, [1, 6])).toEqual({ '1.area': null, '6.anchors': 80 });
    const conflict = result.findings.find((f) => f.code === 'form.value-conflict');
    expect(conflict).toMatchObject({ item: 1, severity: 'warning' });
    expect(conflict?.message).toContain('填报!B1“1.2万平方米”');
    expect(conflict?.message).toContain('填报!B2“2万平方米”');
  });

  it('gives a blank only the number written in its own unit, and an item its blanks by their units', async () => {
    // Act
    const result = await readRows([
      ['直播电商培训', '24场，1260人'],
      ['其中山西老字号商家数量', 9, '个', '3'],
      ['入驻商家数量', '128个', '含线上商家20个'],
      ['直播时长', '1500小时'],
    ]);

    // Assess: 3 and 20 are notes, not the other blank of item 4; 1500 小时 is item 17's second blank
    expect(valuesOf(result, [4, 13, 17])).toEqual({
      '4.merchants': 128,
      '4.laozihao': 9,
      '13.sessions': 24,
      '13.trainees': 1260,
      '17.sessions': null,
      '17.hours': 1500,
    });
  });

  it('never takes an item number, a calendar year, a range or the next row for a value', async () => {
    // Act: a list the way an office types it, some answers left blank, some given as ranges or dates
    const result = await readRows([
      ['6、主播：301 人次'],
      ['3.网络带宽', '240-300Mbps'],
      ['30.开园运营年限', '2017年开园'],
      ['8.运维工程师', ''],
      ['9.主播培养投资', '用于主播培养的投资487万元'],
      ['24、学习教育：无'],
      ['二千兆带宽', ''],
    ]);

    // Assess: 6 is no value of item 6, nor the next row's 487 of item 8; a range and a year are unread, with a finding
    expect(valuesOf(result, [3, 6, 8, 24, 30])).toEqual({
      '3.bandwidth': null,
      '6.anchors': 301,
      '8.opsEngineers': null,
      '24.study': [],
      '30.years': null,
    });
    expect(result.findings.filter((f) => f.code === 'form.value-unreadable').map((f) => f.item)).toEqual(
      expect.arrayContaining([3, 30]),
    );
  });

  it('reads marks kept in 是 | 否 columns and option columns by their column headers', async () => {
    // Act
    const result = await readRows([
      ['项目', '是', '否', '', ''],
      ['基地是否设立或实施区域性的直播电商人才引进政策', '', '✓', '', ''],
      ['是否设立或实施区域性的直播电商人才培养政策', '●', '·', '', ''],
      ['为入驻商家提供的服务类型', '仓储物流', '供应链软件', '客服托管', '咨询培训'],
      ['', '✔', '·', '✔', ''],
    ]);

    // Assess
    expect(valuesOf(result, [12, 20])).toEqual({
      '12.introPolicy': false,
      '12.trainPolicy': true,
      '20.services': ['仓储物流', '客服托管'],
    });
  });

  it('never takes a section heading, a header field or a note column for an item', async () => {
    // Act
    const result = await readRows([
      ['运营机构', '山西示例电子商务有限公司', '', '备注'],
      ['运营服务', '基地运营单位在以下哪些领域开展模式创新并取得显著效果', '☑园区运营 ☐园企互动', ''],
      ['基地主播数量', '', '', '含兼职主播20人'],
    ]);

    // Assess
    expect(valuesOf(result, [6, 27, 37])).toEqual({
      '6.anchors': null,
      '27.reportingMechanism': null,
      '27.operatingBody': null,
      '37.innovationAreas': ['园区运营'],
    });
  });
});
