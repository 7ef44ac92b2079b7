import { describe, expect, it } from 'vitest';
import type { Indicator } from '../../../shared/domain/catalogue.ts';
import { type Classification, type ClassifyInput, classifyDocument } from '../../../shared/parsing/classify.ts';

/** A few real indicators of the 2023 catalogue, with evidence keywords like the round's data. */
function indicator(slug: string, name: string, formItem: number, evidenceKeywords: string[]): Indicator {
  return {
    slug,
    level1: '测试',
    level2: '测试',
    name,
    points: 1,
    unit: '个',
    formItems: [formItem],
    evidence: name,
    evidenceKeywords,
    bonus: false,
  };
}

const INDICATORS: Indicator[] = [
  indicator('live-rooms', '基地配套专业直播间数量', 2, ['直播间', '直播间明细', '直播设备', '直播间照片']),
  indicator('anchors', '基地主播数量', 6, ['主播', '主播名单', '主播明细', '达人名单']),
  indicator('training', '直播电商培训人次', 13, ['培训', '培训明细', '培训签到']),
  indicator('incubated-anchors', '在孵网红主播数量', 15, ['在孵', '在孵主播', '在孵主播名单']),
  indicator('gmv', '直播电商基地交易额', 32, ['交易额', '交易额构成', '交易额明细', '成交额', '销售明细']),
  indicator('shanxi-gmv', '带动山西产品交易额', 33, ['山西产品交易额', '带动山西产品', '山西产品交易额构成']),
  indicator('tax', '缴税总额', 34, ['缴税', '纳税', '完税证明']),
];

const FORM_TITLE = '山西省直播电商基地（推荐参评单位）经营服务情况报告表';

const cases: [string, ClassifyInput, Classification][] = [
  [
    'the form by its annex number and title',
    { fileName: '附件2 山西省直播电商基地（推荐参评单位）经营服务情况报告表.xlsx' },
    { kind: 'report-form', matchedKeyword: '附件2' },
  ],
  [
    'the form as a WPS spreadsheet',
    { fileName: '邮拓直播电商基地报告表.et' },
    { kind: 'report-form', matchedKeyword: '报告表' },
  ],
  [
    'a form with a default name, known by its title row',
    { fileName: '新建 Microsoft Excel 工作表.xlsx', sheetHeaders: [FORM_TITLE, '基地名称'] },
    { kind: 'report-form', matchedKeyword: '经营服务情况报告表' },
  ],
  [
    'a sealed print of the form (PDF) is the report form, read like the workbook',
    { fileName: '经营服务情况报告表（盖章）.pdf' },
    { kind: 'report-form', matchedKeyword: '经营服务情况' },
  ],
  [
    'the form as the Word table the notice distributes',
    { fileName: '附件2：经营服务情况报告表.docx' },
    { kind: 'report-form', matchedKeyword: '附件2' },
  ],
  [
    'a self-assessment that mentions the form is the self-assessment',
    { fileName: '自评报告（含经营服务情况）.pdf' },
    { kind: 'self-assessment', matchedKeyword: '自评' },
  ],
  [
    'the self-assessment by its annex number',
    { fileName: '附件3 龙巅兴趣直播基地自评报告.pdf' },
    { kind: 'self-assessment', matchedKeyword: '附件3' },
  ],
  [
    'the self-assessment as Word',
    { fileName: '自评报告（终稿）.docx' },
    { kind: 'self-assessment', matchedKeyword: '自评' },
  ],
  [
    'the self-assessment as WPS, called 评估报告',
    { fileName: '2022-2023年度综合评估报告.wps' },
    { kind: 'self-assessment', matchedKeyword: '评估报告' },
  ],
  [
    'a self-assessment that mentions an evidence word is still the self-assessment',
    { fileName: '自评报告（含交易额说明）.pdf' },
    { kind: 'self-assessment', matchedKeyword: '自评' },
  ],
  [
    'a nameless attachment known by its MIME type',
    { fileName: '自评报告', contentType: 'application/pdf' },
    { kind: 'self-assessment', matchedKeyword: '自评' },
  ],
  [
    "a city bureau's letter",
    { fileName: '太原市商务局关于推荐2022-2023年度省级直播电商基地参评的函.pdf' },
    { kind: 'city-letter', matchedKeyword: '市商务局关于' },
  ],
  ['a scanned 公函', { fileName: '大同市商务局公函.jpg' }, { kind: 'city-letter', matchedKeyword: '公函' }],
  [
    "the 综改区 management committee's letter",
    { fileName: '山西综改示范区管委会关于推荐直播电商基地的函.pdf' },
    { kind: 'city-letter', matchedKeyword: '管委会关于' },
  ],
  [
    'Shanxi-products GMV: the longest keyword wins over 交易额',
    { fileName: '山西产品交易额构成明细.xlsx', folderPath: '证明材料/32 交易额', fromArchive: true },
    { kind: 'evidence', indicator: 'shanxi-gmv', matchedKeyword: '山西产品交易额构成' },
  ],
  [
    'GMV evidence',
    { fileName: '本年度直播电商基地交易额构成明细.xlsx' },
    { kind: 'evidence', indicator: 'gmv', matchedKeyword: '交易额构成' },
  ],
  [
    'punctuation and spaces do not hide a keyword',
    { fileName: '山西产品-交易额 (明细).xlsx' },
    { kind: 'evidence', indicator: 'shanxi-gmv', matchedKeyword: '山西产品交易额' },
  ],
  [
    '在孵主播名单 is incubated anchors, not anchors',
    { fileName: '在孵主播名单.xlsx' },
    { kind: 'evidence', indicator: 'incubated-anchors', matchedKeyword: '在孵主播名单' },
  ],
  [
    'the anchor list',
    { fileName: '主播名单.xls' },
    { kind: 'evidence', indicator: 'anchors', matchedKeyword: '主播名单' },
  ],
  [
    'a photo matched by its folder, path in the file name',
    { fileName: '证明材料/直播间照片/IMG_0001.JPG', fromArchive: true },
    { kind: 'evidence', indicator: 'live-rooms', matchedKeyword: '直播间照片' },
  ],
  [
    'on equal length the file name beats the folder',
    { fileName: '主播.xlsx', folderPath: '培训' },
    { kind: 'evidence', indicator: 'anchors', matchedKeyword: '主播' },
  ],
  [
    'a sheet with a meaningless name, matched by its headers',
    { fileName: 'Sheet1.xlsx', sheetHeaders: ['序号', '纳税人名称', '缴税金额（万元）'] },
    { kind: 'evidence', indicator: 'tax', matchedKeyword: '缴税' },
  ],
  [
    'a full-width name',
    { fileName: '完税证明２０２３.pdf' },
    { kind: 'evidence', indicator: 'tax', matchedKeyword: '完税证明' },
  ],
  ['an unmatched photo is evidence without indicator', { fileName: 'IMG_2034.JPG' }, { kind: 'evidence' }],
  ['an inline signature image, by name alone', { fileName: 'image001.png' }, { kind: 'evidence' }],
  [
    'an unmatched archive member of any type',
    { fileName: '说明.md', folderPath: '证明材料', fromArchive: true },
    { kind: 'evidence' },
  ],
  ['a calendar invitation', { fileName: 'invite.ics' }, { kind: 'other' }],
  ['an unknown type outside an archive', { fileName: 'smime.p7s' }, { kind: 'other' }],
  [
    'macOS archive debris',
    { fileName: '._主播名单.xlsx', folderPath: '__MACOSX/证明材料', fromArchive: true },
    { kind: 'other' },
  ],
  ['a Word lock file', { fileName: '~$自评报告.docx', fromArchive: true }, { kind: 'other' }],
];

describe('classifyDocument', () => {
  it.each(cases)('%s', (_label, input, expected) => {
    // Prepare: the table row.

    // Act
    const result = classifyDocument(input, INDICATORS);

    // Assess
    expect(result).toEqual(expected);
  });

  it('matches nothing to an indicator when the catalogue is empty', () => {
    // Prepare
    const input = { fileName: '山西产品交易额构成明细.xlsx' };

    // Act
    const result = classifyDocument(input, []);

    // Assess
    expect(result).toEqual({ kind: 'evidence' });
  });
});
