import { describe, expect, it } from 'vitest';
import {
  ACTION_NAMES,
  AUDIT_ACTIONS,
  type AuditLine,
  auditLineText,
  auditSentence,
} from '../../../shared/domain/audit-sentences.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';

const round = loadRound('2023');
const at = '2023-12-07T03:29:00Z';
const event = (action: string, details: Record<string, unknown>, baseId: string | null = 'p02'): AuditLine => ({
  at,
  actor: '王芳',
  action,
  reason: '电话确认',
  baseId,
  details,
});

/** One event per action the use cases write, with the sentence a clerk should read. */
const EXPECTED: Record<string, [Record<string, unknown>, string]> = {
  'assign-submission': [
    { from: null, to: 'p02', sender: 'zhang@example.cn' },
    '将来件（发件地址 zhang@example.cn）分配给“邮拓直播电商基地”，并记住该发件地址',
  ],
  'register-base': [{ name: '清徐县葡萄直播基地', city: 'taiyuan' }, '登记太原市推荐的新基地“清徐县葡萄直播基地”'],
  'recommend-excluded-base': [
    { replaces: 'x01', name: '某某直播基地', city: 'jincheng', submissions: ['s-1', 's-2'] },
    '将名单外基地“某某直播基地”（晋城市）转为本年度新推荐基地，转入来件2份',
  ],
  'reprocess-submission': [{}, '按现行规则重新读取来件'],
  'classify-document': [
    {
      key: 'ab12',
      active: true,
      kind: 'evidence',
      fileName: 'xx.pdf',
      indicator: 'building-area',
      indicators: ['building-area'],
    },
    '将文件“xx.pdf”归为‘直播电商基地建筑面积’',
  ],
  'withdraw-document': [{ key: 'ab12', active: true, fileName: '错发.docx' }, '撤回文件“错发.docx”（不再计入材料）'],
  'restore-document': [{ key: 'ab12', active: false, fileName: '错发.docx' }, '恢复文件“错发.docx”（重新计入材料）'],
  'waive-finding': [
    { key: 'form.item-missing|5||', active: true, code: 'form.item-missing' },
    '豁免报告表方面的一条提示（报告表第5项',
  ],
  'reopen-finding': [
    { key: 'rule.notice-slip|||', active: false, code: 'rule.notice-slip' },
    '撤销对材料核对方面的一条提示的豁免',
  ],
  'mark-not-applicable': [{ key: 'bandwidth', active: true }, '将指标‘网络带宽’标记为不适用（不再要求证明材料）'],
  'unmark-not-applicable': [{ key: 'bandwidth', active: false }, '撤销指标‘网络带宽’的不适用标记'],
  'record-paper-copies': [
    { key: 'paper', active: true, copies: 2, receivedOn: '2023-11-09' },
    '登记纸质材料2份（2023年11月9日收到）',
  ],
  'confirm-sender': [{ address: 'zhang@example.cn' }, '确认 zhang@example.cn 为该基地的发件地址'],
  'record-city-letter': [
    { city: 'taiyuan', received: true, pilotUnits: ['p02'], ranking: ['p03', 'p02'] },
    '登记太原市商务局公函：试点单位邮拓直播电商基地；推荐排序1.龙巅兴趣直播基地 2.邮拓直播电商基地',
  ],
  'issue-city-link': [
    { city: 'taiyuan', expiresAt: '2023-12-10T03:33:00.000Z' },
    '生成太原市商务局专用链接，有效至12月10日11时33分',
  ],
  'clear-address': [
    { address: 'bounce@example.cn', previousState: 'failing', reports: 3 },
    '恢复向 bounce@example.cn 发信（此前退信3次）',
  ],
  'review-sheets-issued': [{ expert: '李明', bases: 12 }, '向专家李明发放评分表（12个基地）'],
  'review-scores-imported': [
    { expert: '李明', file: '评分表-李明.xlsx', sheet: '邮拓', changes: {} },
    '导入专家李明的评分（文件“评分表-李明.xlsx”，工作表“邮拓”）',
  ],
  'review-scores-changed': [
    { expert: '李明', file: '评分表-李明.xlsx', sheet: '邮拓', changes: { bandwidth: { from: 3, to: 4 } } },
    '专家李明修改评分：‘网络带宽’3分改为4分（文件“评分表-李明.xlsx”）',
  ],
  'review-prior-grade': [{ year: 2022, grade: 'A', annex4: 'B' }, '登记2022年度评价等级为A（附件4所列为B）'],
  'review-deduction': [{ id: 'd1', points: 2 }, '扣2分（扣分编号d1）'],
  'review-deduction-withdrawn': [{ id: 'd1' }, '撤回扣分（扣分编号d1）'],
  'review-objection': [{ id: 'o1', raisedBy: '某公司' }, '登记某公司提出的异议（异议编号o1）'],
  'review-objection-decided': [{ id: 'o1', decision: 'rejected' }, '异议（编号o1）复议结论：异议不成立'],
  'review-feedback-sent': [
    { city: 'taiyuan', to: ['ty@bureau.example.cn'], bases: 5, contentSha256: 'ff' },
    '向太原市商务局反馈综合评价结果（5个基地，发至 ty@bureau.example.cn）',
  ],
  'accept-vocabulary-word': [
    { word: '带宽', indicator: 'bandwidth', from: '带宽证明.pdf' },
    '采纳词表建议：文件名中的“带宽”今后归为‘网络带宽’',
  ],
  'reject-vocabulary-word': [
    { word: '合同', indicator: 'bandwidth', from: '合同.pdf' },
    '不采纳词表建议“合同”（‘网络带宽’）',
  ],
  'request-file-package': [
    { fileName: '邮拓直播电商基地 材料.zip', files: 2, bytes: 5 * 1024 * 1024, jobId: 'ab', reused: false },
    '申请下载材料包“邮拓直播电商基地 材料.zip”（2个文件，约5.0 MB），在后台生成',
  ],
};

describe('audit events as sentences', () => {
  it('has an example for every action the use cases write, and no example for an action that does not exist', () => {
    // Assess
    expect(Object.keys(EXPECTED).sort()).toEqual([...AUDIT_ACTIONS].sort());
  });

  for (const [action, [details, sentence]] of Object.entries(EXPECTED)) {
    it(`writes ${action} as a sentence: ${sentence}`, () => {
      // Act
      const written = auditSentence(round, event(action, details));
      // Assess: the sentence, and no id, code or ISO time left in it
      expect(written.startsWith(sentence)).toBe(true);
      expect(written).not.toMatch(/\b(p\d\d|taiyuan|bandwidth|building-area)\b|\.notice-|\d{4}-\d{2}-\d{2}/);
    });
  }

  it('names a base registered this round from the names given, and keeps an unknown id as it is', () => {
    // Arrange
    const bases = new Map([['n-1234abcd', '清徐县葡萄直播基地']]);
    // Act
    const known = auditSentence(
      round,
      event('assign-submission', { from: 'p02', to: 'n-1234abcd', sender: null }),
      bases,
    );
    const unknown = auditSentence(round, event('assign-submission', { from: null, to: 'n-ffffffff', sender: null }));
    // Assess
    expect(known).toBe('将来件从“邮拓直播电商基地”改分配给“清徐县葡萄直播基地”');
    expect(unknown).toBe('将来件分配给“n-ffffffff”');
  });

  it('writes paper copies withdrawn, a letter taken back and a file without its name', () => {
    // Act / Assess
    expect(auditSentence(round, event('record-paper-copies', { copies: 0 }))).toBe('登记纸质材料0份（未收到）');
    expect(auditSentence(round, event('record-city-letter', { city: 'datong', received: false }))).toBe(
      '撤销大同市商务局公函的收到登记',
    );
    expect(auditSentence(round, event('withdraw-document', { key: 'abcdef0123456789' }))).toBe(
      '撤回文件（编号abcdef01）（不再计入材料）',
    );
  });

  it('writes an action it does not know by its details, times in Beijing words', () => {
    // Act
    const written = auditSentence(
      round,
      event('some-new-action', { city: 'taiyuan', expiresAt: '2023-12-10T03:33:00.000Z', active: true }),
    );
    // Assess
    expect(written).toBe('some-new-action：地市：太原市；有效期至：12月10日11时33分；active：是');
  });

  it('writes a plain-text line with time, actor, base and reason for copying', () => {
    // Act
    const line = auditLineText(round, event('record-paper-copies', { copies: 2, receivedOn: '2023-11-09' }), {
      withBase: true,
    });
    // Assess
    expect(line).toBe(
      '12月7日11时29分 王芳：【邮拓直播电商基地】登记纸质材料2份（2023年11月9日收到）（原因：电话确认）',
    );
  });

  it('has a short name for every action', () => {
    // Assess
    for (const action of AUDIT_ACTIONS) expect(ACTION_NAMES[action]).toMatch(/^[\u4e00-\u9fff（）]+$/);
  });
});
