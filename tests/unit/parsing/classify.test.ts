import { describe, expect, it } from 'vitest';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { type Classification, type ClassifyInput, classifyDocument } from '../../../shared/parsing/classify.ts';

const round = loadRound('2023');

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
    { kind: 'evidence', indicator: 'shanxi-gmv' },
  ],
  ['GMV evidence', { fileName: '本年度直播电商基地交易额构成明细.xlsx' }, { kind: 'evidence', indicator: 'gmv' }],
  [
    'punctuation and spaces do not hide a keyword',
    { fileName: '山西产品-交易额 (明细).xlsx' },
    { kind: 'evidence', indicator: 'shanxi-gmv' },
  ],
  [
    '在孵主播名单 is incubated anchors, not anchors',
    { fileName: '在孵主播名单.xlsx' },
    { kind: 'evidence', indicator: 'incubated-anchors' },
  ],
  ['the anchor list', { fileName: '主播名单.xls' }, { kind: 'evidence', indicator: 'anchors' }],
  [
    'a photo matched by its folder, path in the file name',
    { fileName: '证明材料/直播间照片/IMG_0001.JPG', fromArchive: true },
    { kind: 'evidence', indicator: 'live-rooms' },
  ],
  [
    'a name and a folder that disagree are asked about, not decided',
    { fileName: '主播.xlsx', folderPath: '培训' },
    { kind: 'evidence' },
  ],
  [
    'the report-form item number decides a name that is only a number',
    { fileName: '17.xlsx' },
    { kind: 'evidence', indicator: 'livestreams' },
  ],
  [
    '主播花名册 is the anchor list, not the staff roster',
    { fileName: '主播花名册.xlsx' },
    { kind: 'evidence', indicator: 'anchors' },
  ],
  [
    'a sheet with a meaningless name, matched by its headers',
    { fileName: 'Sheet1.xlsx', sheetHeaders: ['序号', '纳税人名称', '缴税金额（万元）'] },
    { kind: 'evidence', indicator: 'tax' },
  ],
  ['a full-width name', { fileName: '完税证明２０２３.pdf' }, { kind: 'evidence', indicator: 'tax' }],
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
    const result = classifyDocument(input, round);

    // Assess
    expect(essentials(result)).toEqual(expected);
  });

  it('decides only the kind without a round', () => {
    // Prepare
    const input = { fileName: '山西产品交易额构成明细.xlsx' };

    // Act
    const result = classifyDocument(input, null);

    // Assess
    expect(result).toEqual({ kind: 'evidence' });
  });
});

/** The kind, the decided indicator and the marker word: what the table rows state. */
function essentials(result: Classification): Classification {
  const out: Classification = { kind: result.kind };
  if (result.indicator !== undefined) out.indicator = result.indicator;
  if (result.matchedKeyword !== undefined) out.matchedKeyword = result.matchedKeyword;
  return out;
}
