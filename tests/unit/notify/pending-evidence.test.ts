/**
 * Evidence the classifier asked about (待核实) is never told as missing: not in the digest (text, HTML, workbook),
 * not in the acknowledgement, not in the state a bureau reads.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  describeBase,
  PENDING_STATE_NAME,
  renderAcknowledgement,
  renderCityDigest,
  STATE_NAMES,
} from '../../../shared/domain/notice-text.ts';
import type { BaseStatus } from '../../../shared/domain/records.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import { buildDigestWorkbook, DIGEST_COLUMNS } from '../../../shared/use-cases/notice-workbook.ts';
import { baseStatus } from '../../fixtures/notices.ts';
import { document, submission } from '../../fixtures/records.ts';

const round = loadRound('2023');
const taiyuan = round.cities.find((c) => c.id === 'taiyuan')!;
const AS_OF = new Date('2023-11-08T09:00:00+08:00');
const ON_TIME = '2023-11-08T00:00:00.000Z';
const merchants = round.indicators.find((i) => i.slug === 'merchants-products')!;
const anchors = round.indicators.find((i) => i.slug === 'anchors')!;
const ASKED_FILE = '入驻商家直播数据.pdf';

/** p02 sent everything; one file may be the merchants' evidence but the classifier asked. */
function pendingOnly(over: Partial<BaseStatus> = {}): BaseStatus {
  return baseStatus(round, 'p02', AS_OF.toISOString(), {
    state: 'incomplete',
    submissions: 1,
    firstReceivedAt: ON_TIME,
    lastReceivedAt: ON_TIME,
    documents: [
      {
        id: 's1/x',
        fileName: ASKED_FILE,
        kind: 'evidence',
        indicator: null,
        indicators: [],
        asked: [merchants.slug],
        receivedAt: ON_TIME,
      },
    ],
    missing: { documents: [], formItems: [], evidence: [] },
    pendingEvidence: [{ indicator: merchants.slug, documents: [{ id: 's1/x', fileName: ASKED_FILE }] }],
    ...over,
  });
}

/** The text of every line that says something is missing (缺少…：…). */
function missingLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s*(?:缺少|截止仍缺)/.test(line));
}

describe('evidence waiting for staff (待核实) in what bureaus and bases read', () => {
  it('reads 材料已收到，待核实 as the state of a base whose only gap is a file to be placed', () => {
    // Prepare
    const status = pendingOnly();
    const withGap = pendingOnly({ missing: { documents: [], formItems: [], evidence: [anchors.slug] } });

    // Act
    const facts = describeBase(round, status, round.bases);
    const factsWithGap = describeBase(round, withGap, round.bases);

    // Assess
    expect(facts.state).toBe(PENDING_STATE_NAME);
    expect(facts.missingEvidence).toEqual([]);
    expect(facts.pendingEvidence).toEqual([`${merchants.name}（已收到“${ASKED_FILE}”）`]);
    expect(factsWithGap.state).toBe(STATE_NAMES.incomplete);
  });

  it('says 待核实 in the digest text and HTML, never 缺少 for that indicator', () => {
    // Prepare
    const statuses = [pendingOnly({ missing: { documents: [], formItems: [], evidence: [anchors.slug] } })];

    // Act
    const digest = renderCityDigest({
      round,
      city: taiyuan,
      statuses,
      registry: round.bases,
      asOf: AS_OF,
      letterReceivedAt: null,
    });

    // Assess
    expect(digest.text).toContain(`待核实证明材料：${merchants.name}（已收到“${ASKED_FILE}”）`);
    expect(digest.text).toContain('不计为缺少，无需重复报送');
    expect(missingLines(digest.text).join('\n')).toContain(anchors.name);
    expect(missingLines(digest.text).join('\n')).not.toContain(merchants.name);
    expect(digest.html).toContain('待核实证明材料');
    expect(digest.html).not.toMatch(new RegExp(`缺少证明材料</th><td>[^<]*${merchants.name}`));
  });

  it('gives the digest workbook a 待核实 column beside 缺少证明材料', async () => {
    // Prepare
    const statuses = [pendingOnly()];
    const book = new ExcelJS.Workbook();

    // Act
    await book.xlsx.load(
      (await buildDigestWorkbook({
        round,
        city: taiyuan,
        statuses,
        registry: round.bases,
        asOf: AS_OF,
      })) as never,
    );

    // Assess
    const sheet = book.worksheets[0]!;
    const headings = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(headings).toEqual([...DIGEST_COLUMNS]);
    const cell = (heading: string) =>
      String(sheet.getRow(3).getCell(DIGEST_COLUMNS.indexOf(heading as never) + 1).value ?? '');
    expect(cell('缺少证明材料')).toBe('');
    expect(cell('证明材料待核实（已收到，不计为缺少）')).toContain(merchants.name);
    expect(cell('状态')).toBe(PENDING_STATE_NAME);
  });

  it('tells the sender the file arrived and is being placed, not that the evidence is missing', () => {
    // Prepare
    const sub = submission('s1', 'p02', ON_TIME);
    const asked = document(sub, ASKED_FILE, 'evidence', {
      classification: {
        decision: 'asked',
        confidence: 0.2,
        candidates: [{ indicator: merchants.slug, score: 1.4 }],
        reasons: ['文件名含“入驻商家”'],
      },
    });
    const shared = document(sub, '员工花名册（含党员、运维人员）.xlsx', 'evidence', {
      indicator: 'employees',
      indicators: ['employees', 'party-members', 'ops-engineers'],
    });
    const base = round.bases.find((b) => b.id === 'p02')!;

    // Act
    const ack = renderAcknowledgement({
      round,
      submission: sub,
      documents: [asked, shared],
      base,
      cityName: taiyuan.name,
      status: pendingOnly(),
      findings: [],
      late: false,
    });

    // Assess
    expect(ack.text).toContain(`${ASKED_FILE}（识别为：证明材料，对应指标待核实）`);
    expect(ack.text).toMatch(/员工花名册.*识别为：证明材料——[^）]*、[^）]*、/);
    expect(ack.text).toContain('截至目前，该基地应报送的电子材料均已收到。');
    expect(ack.text).toContain(`${merchants.name}（已收到“${ASKED_FILE}”）`);
    expect(ack.text).not.toContain('仍缺少');
    expect(ack.html).toContain('将由省商务厅核实，不计为缺少');
  });
});
