/**
 * The evidence classifier's parts (item numbers, the mail body's list, the vocabulary) and its figures on the
 * labelled names of tests/fixtures/evidence-names. The held-out sets (test*.json) are measured, never tuned on; the
 * issue's targets are precision ≥ 0.98, recall ≥ 0.90, asked ≤ 10 %. The floors below are what the classifier
 * reaches today, so that a change that makes it worse fails here; the figures are printed on every run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { classifyEvidence } from '../../../shared/parsing/evidence/classify-evidence.ts';
import { type LabelledName, measure, withoutExamplesOf } from '../../../shared/parsing/evidence/measure.ts';
import {
  attachmentNumber,
  chineseNumber,
  enumeratedAttachments,
  indicatorCode,
  itemNumber,
  listedAs,
} from '../../../shared/parsing/evidence/numbers.ts';
import { proposeWord } from '../../../shared/parsing/evidence/propose.ts';
import { compileVocabulary, spansOf } from '../../../shared/parsing/evidence/vocabulary.ts';

const round = loadRound('2023');
const SETS = join(import.meta.dirname, '../../fixtures/evidence-names');
const labelled = (set: string): LabelledName[] => JSON.parse(readFileSync(join(SETS, `${set}.json`), 'utf8'));

describe('item numbers in names and folders', () => {
  it.each([
    ['17', 'name', [17]],
    ['17 直播活动明细', 'name', [17]],
    ['第32项 明细', 'name', [32]],
    ['第十七项', 'folder', [17]],
    ['（十七）直播活动', 'name', [17]],
    ['17-1 直播场次', 'name', [17]],
    ['【30】批复', 'name', [30]],
    ['第23至26项', 'name', [23, 24, 25, 26]],
    ['指标28-制度表格', 'name', [28]],
    ['item-2_rooms', 'name', [2]],
    ['附件2-35(1)', 'name', [35]],
    ['太原市商务局转-附件2-33', 'name', [33]],
    ['１７．直播场次', 'name', [17]],
    ['08人员名单', 'name', [8]],
    ['35人员', 'name', [35]],
    ['项目2_明细表', 'name', [2]],
    ['#17直播', 'name', [17]],
    ['附2-17 直播明细', 'name', [17]],
    ['附件2第17、18项', 'name', [17, 18]],
    ['17，18项', 'name', [17, 18]],
    ['17+18 直播及促销', 'name', [17, 18]],
    ['廿一 党员名册', 'name', [21]],
    ['卅二', 'name', [32]],
    ['第17题-直播', 'name', [17]],
    ['报表第17项和第18项', 'folder', [17, 18]],
    ['DI37XIANG YUANQU YUNYING', 'name', [37]],
    ['第21项及第三十五项', 'name', [21, 35]],
    ['古交基地_13', 'name', [13]],
    ['材料34-税', 'name', [34]],
    ['加分项37_new', 'name', [37]],
    ['项17-直播', 'name', [17]],
    ['TG-Base_item38 Strategic plan', 'name', [38]],
    ['2023 Form item 19', 'name', [19]],
  ] as const)('reads %s (%s) as item %j', (text, where, items) => {
    // Act
    const found = itemNumber(text, where);

    // Assess
    expect(found?.items).toEqual(items);
  });

  it.each([
    ['36名主播名单', 'name'],
    ['2号直播间', 'name'],
    ['（一）基础硬件', 'folder'],
    ['2023年度', 'name'],
    ['100个商家', 'name'],
    ['36人', 'name'],
    ['08.15 直播', 'name'],
    ['1.1.2 直播间', 'name'],
    ['2-2-1直播', 'folder'],
    ['1、2号楼面积', 'name'],
  ] as const)('takes no item number from %s (%s)', (text, where) => {
    // Act
    const found = itemNumber(text, where);

    // Assess
    expect(found).toBeUndefined();
  });

  it('reads Chinese numerals up to 九十九 and refuses what is not one', () => {
    // Act
    const read = ['七', '十', '十七', '二十', '四十三', '廿一', '卅', '十十', '百', '廿十', ''].map(chineseNumber);

    // Assess
    expect(read).toEqual([7, 10, 17, 20, 43, 21, 30, undefined, undefined, undefined, undefined]);
  });
});

describe("the mail body's list of attachments", () => {
  it('maps each number to its words, in the forms bases write them', () => {
    // Prepare
    const body =
      '您好！附件为申报材料：\n附件1：经营服务情况报告表\n附件（2）网络协议；3.主播名单\n共3个附件，11月9日发送。';

    // Act
    const listed = enumeratedAttachments(body);

    // Assess
    expect([...listed.entries()]).toEqual([
      [1, '经营服务情况报告表'],
      [2, '网络协议'],
      [3, '主播名单'],
    ]);
  });

  it('names a file only by its number: 附件5.pdf, 附件（5）, 5.pdf, 附件（五）, 附件⑤ — not 附件5 直播间 or 五', () => {
    // Act
    const numbers = ['附件5', '附件（5）', '5', '附5', '附件（五）', '附件⑤', '附件5(1)', '附件5 直播间', '五'].map(
      attachmentNumber,
    );

    // Assess
    expect(numbers).toEqual([5, 5, 5, 5, 5, 5, 5, undefined, undefined]);
  });

  it.each([
    [
      '文件三.pdf',
      '党办补充：文件一是支部学习计划，文件三是三会一课记录和党费收缴情况。',
      '三会一课记录和党费收缴情况',
    ],
    ['财务-2.xlsx', '财务部补充两张表：财务-1 交易额构成明细；财务-2 缴税明细。', '缴税明细'],
    ['Ⅱ.docx', '附件：Ⅰ 运营服务创新案例；Ⅱ 技术创新应用（数字人）；Ⅲ 精准扶贫案例。', '技术创新应用(数字人)'],
    ['att2.pdf', 'attachments:\natt1 - 自评报告\natt2 - 投融资协议及到账凭证', '投融资协议及到账凭证'],
    ['B.xlsx', '人员表分两张：A 全体从业人员；B 农民工就业人员名单。', '农民工就业人员名单'],
    ['材料之一.xlsx', '报送材料之一为建筑面积明细表（按楼宇），材料之二为直播间明细表。', '建筑面积明细表(按楼宇)'],
    ['附2-补.xlsx', '今天补报两个文件，附1为入驻商家名单，附2为主播名单。', '主播名单'],
    ['第三个附件.xlsx', '附件依次为：直播间明细、主播名单、直播活动明细（月度）。', '直播活动明细(月度)'],
    ['附件（2）.pdf', '附件（1）直播间明细表；附件（2）网络协议；', '网络协议'],
    ['附件2.xlsx', '报送材料见附件1《直播间明细表》、附件2《主播名单》，请审阅。', '主播名单'],
    ['附件【2】.pdf', '附件【1】直播间明细表\n附件【2】网络专线协议', '网络专线协议'],
    ['武乡02.xlsx', '附件清单：\n一、员工中党员名单\n二、吸纳农民工就业人员名单', '吸纳农民工就业人员名单'],
    [
      '浑源-附件1.pdf',
      '材料分两个附件：\n附件1（共2页）法人证书、组织机构代码证\n附件2（共5页）领导小组成立通知',
      '法人证书、组织机构代码证',
    ],
    [
      '临县补报-3.xlsx',
      '发送时间：上午10:03\n主题：补报材料\n1.直播间明细表\n2.网络协议\n3.在孵主播名单',
      '在孵主播名单',
    ],
    ['补件B.pdf', '补发材料如下：\n补件A：直播间明细表\n补件B：网络专线协议', '网络专线协议'],
    [
      '精准扶…docx',
      '补充材料（2个）：\n直播活动明细表.xlsx（2.3MB）\n精准扶贫案例材料.docx（64KB）',
      '精准扶贫案例材料',
    ],
    ['右玉材料一.xlsx', '材料一 入驻商家名单\n材料二 促销活动明细', '入驻商家名单'],
    ['怀仁附表三.pdf', '一是基地办公建筑面积明细表（附表一）；三是网络运营商协议（附表三）。', '网络运营商协议'],
    ['Scan2.pdf', '1融资协议 2完税证明 3统计制度\n发自我的iPhone', '完税证明'],
    ['右玉-2.pdf', '补交材料：1 主播名单 2 宽带合同 3 培训照片 请查收', '宽带合同'],
    ['右玉补2.docx', '补：农民工名单、扶贫案例、规划（按附件顺序）', '扶贫案例'],
    [
      '高新区基地-表二.xlsx',
      '第一个表是入驻商家的名单，第二个是今年拿到的投资，最后一个是在孵的主播。',
      '今年拿到的投资',
    ],
    ['高新区基地-表三.xlsx', '第一个表是入驻商家的名单，第二个是今年拿到的投资，最后一个是在孵的主播。', '在孵的主播'],
    [
      'Att.2.xlsx',
      'Please find attached:\nAtt.1 - Office floor area by building\nAtt.2 - Live studio list',
      'Live studio list',
    ],
  ])('reads what the body says %s is', (name, body, words) => {
    // Act
    const listed = listedAs(body, name.replace(/\.[a-z]+$/, ''));

    // Assess
    expect(listed).toBe(words);
  });

  it.each([
    ['直播间明细表.xlsx', '附件：直播间明细表，请查收。'],
    ['文件五.pdf', '文件一是学习计划，文件二是党课记录。'],
    ['B座面积.xlsx', 'B 农民工就业人员名单。'],
    // A scanner's counter of four digits is no label (Scan_0012 is the twelfth scan of the day, not item 12).
    ['Scan_0012.pdf', '1融资协议 2完税证明'],
  ])(
    'takes nothing from the body for %s (a name that says more than a label, or a label the body does not write)',
    (name, body) => {
      // Act
      const listed = listedAs(body, name.replace(/\.[a-z]+$/, ''));

      // Assess
      expect(listed).toBeUndefined();
    },
  );

  it('reads lists numbered 一、 ① and （1）', () => {
    // Prepare
    const body = '附件清单\n一、基地直播间明细表\n二、入驻商家名单\n③融资明细\n（4）培训照片及签到';

    // Act
    const listed = enumeratedAttachments(body);

    // Assess
    expect([...listed.entries()]).toEqual([
      [1, '基地直播间明细表'],
      [2, '入驻商家名单'],
      [3, '融资明细'],
      [4, '培训照片及签到'],
    ]);
  });
});

describe('the vocabulary', () => {
  const vocabulary = compileVocabulary(round);

  it('lets the stronger, longer word take its place (在孵主播 over 主播) and generic words name nothing', () => {
    // Act
    const spans = spansOf('在孵主播明细表', vocabulary);

    // Assess
    expect(spans.map((s) => [s.word, s.indicator])).toEqual([['在孵主播', 'incubated-anchors']]);
  });

  it('reads a word in letters or digits only as a token of its own (618 is no date’s tail, ops no part of devops)', () => {
    // Act
    const words = (text: string) => spansOf(text, vocabulary).map((s) => s.word);

    // Assess
    expect(words('20230618')).not.toContain('618');
    expect(words('618大促')).toContain('618');
    expect(words('devops')).not.toContain('ops');
    expect(words('ops_值班')).toContain('ops');
  });

  it('lists nothing inside one quotation, nor a contract’s parties in brackets', () => {
    // Act
    const together = (text: string) => vocabulary.listedTogether(text, spansOf(text, vocabulary));

    // Assess
    expect(together('“主播+直播间”模式介绍')).toEqual([]);
    expect(together('客服托管服务协议（基地与入驻商家）')).toEqual([]);
    expect(together('从业人员名单（含党员）').flat()).toEqual(['employees', 'party-members']);
    expect(together('经营数据（交易额 山西产品 纳税）').flat()).toEqual(['gmv', 'shanxi-gmv', 'tax']);
  });

  it('accepts words staff added, for the indicator they chose', () => {
    // Prepare
    const word = { word: '晋享云集', indicator: 'promotions' };
    const extra = compileVocabulary(round, [word]);

    // Act
    const without = classifyEvidence({ name: '晋享云集.jpg' }, round);
    const withWord = classifyEvidence({ name: '晋享云集.jpg' }, round, [word]);

    // Assess
    expect(spansOf('晋享云集', extra).map((s) => s.indicator)).toEqual(['promotions']);
    expect(without.decision).toBe('asked');
    expect(withWord).toMatchObject({ decision: 'decided', indicators: ['promotions'] });
  });
});

describe('names as senders write them', () => {
  it.each([
    ['黨員名冊（含預備黨員）.xlsx', ['party-members'], 'traditional characters'],
    ['晋中市商务局转-主播名单.xlsx', ['anchors'], 'a forwarding prefix naming a bureau'],
    ['指标 40（终版）.pdf', ['tech-innovation'], '指标N is the form item'],
    ['⭐17⭐.xlsx', ['livestreams'], 'marks for attention around the number'],
    ['1️⃣7️⃣ 明细.xlsx', ['livestreams'], 'keycap digits'],
    ['xiang17_zbcc_sc.xlsx', ['livestreams'], '项 in pinyin before the number'],
  ])('decides %s as %j (%s)', (name, indicators) => {
    // Act
    const decision = classifyEvidence({ name }, round);

    // Assess
    expect(decision).toMatchObject({ decision: 'decided', indicators });
  });

  it.each([
    ['培训中心-入驻商家名单.xlsx', 'training'],
    ['黄河新闻网_山西首届直播电商大赛开赛.pdf', 'publicity'],
  ])('reads %s without the department or outlet before it (no %s)', (name, sender) => {
    // Act
    const decision = classifyEvidence({ name }, round);
    const unprefixed = classifyEvidence({ name: name.replace(/^[^-_]+[-_]/, '') }, round);

    // Assess
    expect(decision.candidates.map((c) => c.indicator)).not.toContain(sender);
    expect(decision).toMatchObject({ decision: 'decided', indicators: unprefixed.indicators });
  });

  it("reads a roster's columns listed in brackets as the shared set its header row would serve", () => {
    // Act
    const decision = classifyEvidence({ name: '员工花名册（学历、职务、负责项目、政治面貌）.xlsx' }, round);
    const annotated = classifyEvidence({ name: '开园新闻报道（山西新闻网、黄河新闻网）.pdf' }, round);

    // Assess
    expect(decision.indicators.sort()).toEqual(['employees', 'ops-engineers', 'party-members']);
    // Only the sets the notice lets share a table: outlets listed in brackets stay an annotation.
    expect(annotated.indicators).toHaveLength(1);
  });

  it('reads a file named by its document number (交政办发〔2023〕15号) by its first page', () => {
    // Act
    const decision = classifyEvidence(
      {
        name: '交政办发〔2023〕15号.pdf',
        firstPage: '交城县人民政府办公室\n关于成立直播电商基地建设工作领导小组的通知\n各乡镇人民政府，县直各有关单位：',
      },
      round,
    );

    // Assess
    expect(decision).toMatchObject({ decision: 'decided', indicators: ['leadership'] });
    expect(decision.reasons.join()).not.toContain('政办发');
  });

  it('reads English lists joined by "and", the head before a preposition, and a roster by its name column', () => {
    // Act
    const listed = classifyEvidence({ name: 'sessions_and_gmv.csv' }, round);
    const roster = classifyEvidence(
      { name: 'staff_all.csv', sheetHeaders: ['name', 'education', 'position', 'project', '政治面貌', '是否农民工'] },
      round,
    );

    const headFirst = classifyEvidence({ name: 'Compliance scorecard for creators.pdf' }, round);

    // Assess
    expect(headFirst).toMatchObject({ decision: 'decided', indicators: ['credit'] });
    expect(listed.indicators.sort()).toEqual(['gmv', 'livestreams']);
    expect(roster.indicators).toContain('employees');
    expect(roster.indicators.length).toBeGreaterThan(1);
  });

  it('reads a cutting by its headline, not its masthead and date', () => {
    // Act
    const decision = classifyEvidence(
      {
        name: 'ZM-2023-020.pdf',
        firstPage:
          '大同日报 2020年11月6日 第二版 邮乐直播基地正式开园 本报讯（记者 王晓燕）11月5日，基地在平城区开园。',
      },
      round,
    );

    // Assess
    expect(decision).toMatchObject({ decision: 'decided', indicators: ['operating-years'] });
  });

  it.each([
    ['1.1.3.pdf', undefined, ['bandwidth']],
    ['2.2.1 明细.xlsx', undefined, ['livestreams']],
    ['扫描件.pdf', '证明材料/3-1-5', ['party-life']],
    ['5.4.2 信用评价.docx', undefined, ['credit']],
    ['B05 明细.xlsx', undefined, ['livestreams']],
    ['1.pdf', 'C-07 组织', ['leadership']],
  ])(
    'reads %s (in %s) by its place in 附件1 (一级.二级.三级, or 一级 letter and place), not as an item',
    (name, folder, indicators) => {
      // Act
      const decision = classifyEvidence({ name, ...(folder ? { folders: folder.split('/') } : {}) }, round);

      // Assess
      expect(decision).toMatchObject({ decision: 'decided', indicators });
      expect(decision.reasons.join()).toMatch(/按指标编号\S+判定/);
    },
  );

  it.each([
    ['3.pdf', '佐证材料/三、保障能力/（一）党建水平', ['party-responsibility'], /按“党建水平”下第3项指标判定/],
    ['23.pdf', '三、保障能力/（一）党建水平', ['party-responsibility'], /按编号23判定/],
    ['2.jpg', '一、承载能力/（一）基础硬件', ['live-rooms'], /按编号2判定/],
  ])('reads %s in %s by the section folder above it', (name, folder, indicators, reason) => {
    // Act
    const decision = classifyEvidence({ name, folders: folder.split('/') }, round);

    // Assess
    expect(decision).toMatchObject({ decision: 'decided', indicators });
    expect(decision.reasons.join()).toMatch(reason);
  });

  it('takes no item number that lies outside the section folder the file is in (（二）环境营造/8.pdf is no 运维工程师)', () => {
    // Act
    const decision = classifyEvidence({ name: '8.pdf', folders: ['三、保障能力', '（二）环境营造'] }, round);

    // Assess
    expect(decision.decision).toBe('asked');
    expect(decision.candidates).toEqual([]);
  });

  it('reads A01.jpg in a folder that names the material as a photo number, and 1.1.2.xlsx as a code wherever it is', () => {
    // Act
    const photo = classifyEvidence({ name: 'A01.jpg', folders: ['基础硬件', '直播间', '照片'] }, round);
    const coded = classifyEvidence({ name: '1.1.2.xlsx', folders: ['按评分标准指标编号'] }, round);

    // Assess
    expect(photo.indicators).toEqual(['live-rooms']);
    expect(coded.indicators).toEqual(['live-rooms']);
  });

  it('takes no code from A4 (paper) or A2 (a room)', () => {
    // Act
    const codes = ['A4打印版', 'A2直播间', 'B座'].map(indicatorCode);

    // Assess
    expect(codes).toEqual([undefined, undefined, undefined]);
  });

  it.each([
    [
      '网络带宽.pdf',
      '按附件1评分标准顺序/评分标准-承载能力-基础硬件',
      ['bandwidth'],
      'the notice’s 评分标准 names no 行业标准',
    ],
    ['大促活动成交统计.xlsx', '', ['promotions'], 'a promotion’s sales are the promotion’s (promotions narrows gmv)'],
    ['黄花产品销售额明细.xlsx', '', ['shanxi-gmv'], 'a Shanxi product qualifies a 销售额'],
  ])('decides %s (in %s) as %j: %s', (name, folder, indicators) => {
    // Act
    const decision = classifyEvidence({ name, ...(folder ? { folders: folder.split('/') } : {}) }, round);

    // Assess
    expect(decision).toMatchObject({ decision: 'decided', indicators });
  });

  it('lets the words outweigh a number written like a section (2.4 is item 2 or a chapter 2.4)', () => {
    // Act
    const decision = classifyEvidence({ name: '2.4 基地主播名单.xlsx' }, round);

    // Assess
    expect(decision).toMatchObject({ decision: 'decided', indicators: ['anchors'] });
  });

  it('gives the qualified word among the reasons (黄花 with 销售额)', () => {
    // Act
    const decision = classifyEvidence({ name: '黄花产品销售额明细.xlsx' }, round);

    // Assess
    expect(decision.reasons).toEqual(['文件名含“黄花”', '文件名含“销售额”']);
  });

  it('takes a qualifier alone for nothing (黄花.jpg is no 山西产品交易额)', () => {
    // Act
    const decision = classifyEvidence({ name: '黄花.jpg' }, round);

    // Assess
    expect(decision.candidates.map((c) => c.indicator)).not.toContain('shanxi-gmv');
  });

  it.each([
    [
      'a page whose line breaks were lost (wide gaps instead)',
      'CamScanner 11-04-2023 15.20.pdf',
      '某某直播基地 办公建筑面积明细表  序号 楼宇 楼层 用途  注：不含仓储、配套面积。',
      ['building-area'],
    ],
    [
      'a title that runs into its first sentence',
      '文档.docx',
      '某某基地关于吸纳农民工就业情况的报告。基地共吸纳农民工就业137人，从事分拣包装、仓储物流、直播助播等岗位。',
      ['migrant-workers'],
    ],
    [
      "a news site's dateline before the headline",
      '1698901234.pdf',
      '黄河新闻网 2021-09-28 10:15\n\n河津市直播电商产业园正式开园\n9月28日上午，开园仪式举行。',
      ['operating-years'],
    ],
  ])('reads the title of a first page: %s', (_case, name, firstPage, indicators) => {
    // Act
    const decision = classifyEvidence({ name, firstPage }, round);

    // Assess
    expect(decision).toMatchObject({ decision: 'decided', indicators });
  });

  it('lets a chapter numeral (四、) give way to the words', () => {
    // Act
    const decision = classifyEvidence({ name: '四、下一步规划-基地三年发展规划.pdf' }, round);

    // Assess
    expect(decision).toMatchObject({ decision: 'decided', indicators: ['planning'] });
  });
});

describe('words proposed from a classification by hand', () => {
  it.each([
    ['晋享云集.jpg', 'promotions', '晋享云集'],
    ['快手磁力引擎合作证明.pdf', 'tech-innovation', '快手磁力引擎合作'],
    ['晋享家园同事录.xlsx', 'employees', '晋享家园同事录'],
  ])('proposes from %s (for %s): %s', (name, indicator, word) => {
    // Act
    const proposed = proposeWord(name, indicator, round);

    // Assess
    expect(proposed).toBe(word);
  });

  it.each([
    ['主播名单.xlsx', 'anchors', 'the name already leads to the indicator'],
    ['入驻商家直播数据.pdf', 'merchants-products', 'the name holds a word of the indicator'],
    ['扫描全能王 2023-11-06 09.41.pdf', 'bandwidth', "a scanner's default name"],
    ['新建 Microsoft Excel 工作表.xlsx', 'gmv', "an editor's default name"],
    ['人员名单.xlsx', 'employees', 'nothing but empty words'],
    ['晋源职工一览.xlsx', 'employees', 'the rest qualifies known words (a place)'],
    ['附件5.pdf', 'gmv', 'a number only'],
  ])('proposes nothing from %s (for %s): %s', (name, indicator) => {
    // Act
    const proposed = proposeWord(name, indicator, round);

    // Assess
    expect(proposed).toBeNull();
  });
});

describe('figures on the labelled names', () => {
  it.each([
    // set, floor of precision, of recall, ceiling of the asked rate and of unknowable names decided. A development set
    // is measured with its own names left out of the examples the tie-breaker learns from, as a fresh set would be.
    // Today: dev 0.992/0.984/0.8 %, dev2 0.996/0.976/2.1 %, dev3 1.000/0.976/2.4 %, dev4 0.995/0.974/2.1 %, dev5
    // 0.990/0.979/1.0 %, dev6 0.997/0.982/1.5 %, dev7 0.979/0.945/3.4 %, dev8 0.969/0.856/11.7 %, dev9 0.968/0.825/14.8 %;
    // held out: test 0.992/0.979/1.3 %, test2 0.975/0.924/5.2 %, test3 0.978/0.918/6.2 %, test4 0.989/0.914/7.6 %,
    // test5 0.982/0.935/4.8 %, test6 0.952/0.880/7.5 %, test7 0.929/0.856/7.9 %, test8 0.946/0.777/17.9 %.
    ['dev', 0.98, 0.97, 0.02, 0],
    ['dev2', 0.99, 0.965, 0.03, 0],
    ['dev3', 0.99, 0.965, 0.035, 0],
    ['dev4', 0.985, 0.965, 0.03, 0],
    ['dev5', 0.98, 0.97, 0.02, 0],
    ['dev6', 0.99, 0.97, 0.025, 0],
    ['dev7', 0.97, 0.935, 0.045, 1],
    ['dev8', 0.96, 0.845, 0.125, 0],
    ['dev9', 0.96, 0.815, 0.155, 0],
    ['dev10', 0.96, 0.92, 0.05, 0],
    ['dev11', 0.96, 0.9, 0.08, 0],
    ['test', 0.985, 0.97, 0.02, 0],
    ['test2', 0.965, 0.915, 0.06, 0],
    // test3's 1(2).jpg and one more unknowable name are decided; left as measured, not tuned away.
    ['test3', 0.97, 0.91, 0.07, 2],
    // test4, measured once before any tuning on dev5 (0.949/0.770/18.9 %).
    ['test4', 0.98, 0.905, 0.085, 0],
    // test5, measured once before any tuning on dev6 (0.976/0.838/14.1 %).
    ['test5', 0.975, 0.925, 0.055, 0],
    // test6, measured once before any tuning on dev7 (0.943/0.736/21.9 %); two rules since were prompted by the
    // README's description of its senders (补件A–D, 1.1/2.4), not by its names.
    ['test6', 0.945, 0.87, 0.085, 1],
    // test7 and test8, measured once as they arrived, before any tuning on dev8 and dev9: without the tie-breaker
    // 0.927/0.780/15.8 % and 0.946/0.656/30.6 %, with it 0.929/0.852/8.2 % and 0.950/0.780/17.9 %.
    ['test7', 0.94, 0.825, 0.13, 0],
    ['test8', 0.94, 0.775, 0.18, 1],
    // test9, measured once as it arrived, before any tuning on dev10: without the tie-breaker 0.971/0.808/16.8 %, with
    // it 0.970/0.880/9.3 %.
    ['test9', 0.96, 0.875, 0.095, 0],
    // test10, measured once as it arrived, after all of this stop's tuning and before any on dev11: without the
    // tie-breaker 0.976/0.845/13.4 %, with it 0.985/0.918/6.9 %.
    ['test10', 0.98, 0.91, 0.075, 1],
  ] as const)(
    '%s: precision ≥ %f, recall ≥ %f, asked ≤ %f, unknowable decided ≤ %i',
    (set, precision, recall, asked, unknowable) => {
      // Prepare
      const names = labelled(set);

      // Act
      const result = measure(names, set.startsWith('dev') ? withoutExamplesOf(round, names) : round);
      console.log(
        `evidence classifier, ${set} (${result.total} names): precision ${result.precision.toFixed(3)}, recall ${result.recall.toFixed(3)}, asked ${(result.askedRate * 100).toFixed(1)} % (targets 0.98 / 0.90 / 10 %)`,
      );

      // Assess
      expect(names.length).toBeGreaterThanOrEqual(100);
      expect(result.precision).toBeGreaterThanOrEqual(precision);
      expect(result.recall).toBeGreaterThanOrEqual(recall);
      expect(result.askedRate).toBeLessThanOrEqual(asked);
      expect(result.unknowableDecided).toBeLessThanOrEqual(unknowable);
    },
  );
});
