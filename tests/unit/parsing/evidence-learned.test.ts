/**
 * The tie-breaker that learns from settled evidence files (the round's examples.json): it chooses among the
 * vocabulary's own candidates only, only when the wording leans clearly one way, and says which settled file the
 * name is most like. The examples are built from the development sets only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Round } from '../../../shared/domain/catalogue.ts';
import { loadRound } from '../../../shared/domain/rounds/index.ts';
import type { EvidenceExample } from '../../../shared/domain/vocabulary.ts';
import { classifyEvidence } from '../../../shared/parsing/evidence/classify-evidence.ts';
import { learn, preferred, wordsOf } from '../../../shared/parsing/evidence/learned.ts';
import {
  exampleOf,
  examplesFromSets,
  type LabelledName,
  signalsKey,
  withoutExamplesOf,
} from '../../../shared/parsing/evidence/measure.ts';

const round = loadRound('2023');
const SETS = join(import.meta.dirname, '../../fixtures/evidence-names');
const setFiles = (pattern: RegExp) =>
  readdirSync(SETS)
    .filter((f) => pattern.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const labelled = (file: string): LabelledName[] => JSON.parse(readFileSync(join(SETS, file), 'utf8'));

/** Settled files of two indicators a 收费标准 name leaves close: services to merchants, and industry standards. */
const SETTLED: EvidenceExample[] = [
  { name: '为商家提供摄影美工服务协议.pdf', indicators: ['merchant-services'] },
  { name: '代运营服务收费明细.xlsx', indicators: ['merchant-services'] },
  { name: '商家摄影美工代运营服务台账.xlsx', indicators: ['merchant-services'] },
  { name: '直播间建设团体标准.pdf', indicators: ['standards'] },
  { name: '行业规范征求意见稿.docx', indicators: ['standards'] },
  { name: '主播行为规范（团体标准）.pdf', indicators: ['standards'] },
];
const withExamples = (examples: EvidenceExample[] | undefined): Round =>
  ({ ...round, examples: examples ? { source: 'test', examples } : undefined }) as Round;
const AMBIGUOUS = { name: '摄影美工、代运营服务收费标准.pdf' };

describe('the tie-breaker learned from settled files', () => {
  it('decides a name the vocabulary leaves close, and says which settled file it is like', () => {
    // Prepare
    const without = classifyEvidence(AMBIGUOUS, withExamples(undefined));

    // Act
    const result = classifyEvidence(AMBIGUOUS, withExamples(SETTLED));

    // Assess
    expect(without.decision).toBe('asked');
    expect(without.candidates.map((c) => c.indicator)).toEqual(['merchant-services', 'standards']);
    expect(result.decision).toBe('decided');
    expect(result.indicators).toEqual(['merchant-services']);
    expect(result.reasons.at(-1)).toBe('用词与已归类的“商家摄影美工代运营服务台账.xlsx”最接近');
    expect(result.confidence).toBeLessThanOrEqual(0.5);
  });

  it('asks instead of deciding when files worded like it were settled far more often for another candidate', () => {
    // Prepare: the words say promotions (促销活动), but such tables were settled as the live streams, again and again.
    const name = { name: '直播及促销活动统计.xlsx' };
    const settled: EvidenceExample[] = [
      ...['一', '二', '三', '四', '五', '六'].map((n) => ({
        name: `第${n}季度直播及促销活动统计表.xlsx`,
        indicators: ['livestreams'],
      })),
      ...['双十一促销专场明细.xlsx', '年货节专场成交汇总.xlsx', '618大促复盘.pdf'].map((name) => ({
        name,
        indicators: ['promotions'],
      })),
    ];
    const alone = classifyEvidence(name, withExamples(undefined));

    // Act
    const result = classifyEvidence(name, withExamples(settled));

    // Assess
    expect(alone).toMatchObject({ decision: 'decided', indicators: ['promotions'] });
    expect(result.decision).toBe('asked');
    expect(result.candidates.map((c) => c.indicator)).toEqual(['promotions', 'livestreams']);
    expect(result.reasons.at(-1)).toBe('用词更像已归类的“第一季度直播及促销活动统计表.xlsx”');
    // An item number the wording cannot see stands: item 18 is the promotions.
    const numbered = classifyEvidence({ name: '18 直播及促销活动统计.xlsx' }, withExamples(settled));
    expect(numbered).toMatchObject({ decision: 'decided', indicators: ['promotions'] });
  });

  it('asks when the settled files lean no clear way', () => {
    // Prepare: the same words settled once each way.
    const balanced: EvidenceExample[] = [
      { name: '摄影美工代运营服务收费标准.pdf', indicators: ['merchant-services'] },
      { name: '摄影美工代运营服务收费标准（团体）.pdf', indicators: ['standards'] },
    ];

    // Act
    const result = classifyEvidence(AMBIGUOUS, withExamples(balanced));

    // Assess
    expect(result.decision).toBe('asked');
    expect(result.indicators).toEqual([]);
  });

  it('never adds an indicator the vocabulary did not name', () => {
    // Prepare: files worded like the name, all settled for a third indicator.
    const elsewhere: EvidenceExample[] = [
      { name: '摄影美工代运营服务收费标准.pdf', indicators: ['credit'] },
      { name: '代运营服务收费标准汇编.pdf', indicators: ['credit'] },
    ];

    // Act
    const chosen = preferred(learn(elsewhere), AMBIGUOUS, ['merchant-services', 'standards']);
    const result = classifyEvidence(AMBIGUOUS, withExamples(elsewhere));

    // Assess
    expect(chosen).toBeUndefined();
    expect(result.decision).toBe('asked');
  });

  it('chooses nothing for a name that shares no word with the settled files', () => {
    // Act
    const chosen = preferred(learn(SETTLED), { name: 'IMG_2031.jpg' }, ['merchant-services', 'standards']);

    // Assess
    expect(chosen).toBeUndefined();
  });

  it('reads the name, the mail, the folders, the start of the first page and the header row', () => {
    // Act
    const words = wordsOf({
      name: 'Scan_01.pdf',
      listedAs: '主播名单',
      folders: ['党建'],
      firstPage: `营业执照\n${'与'.repeat(100)}结尾`,
      sheetHeaders: ['姓名', 'GMV'],
    });

    // Assess
    expect([...words]).toEqual(expect.arrayContaining(['scan', '主播', '名单', '党建', '营业', '姓名', 'gmv']));
    expect(words.has('结尾')).toBe(false);
  });
});

describe("the round's examples", () => {
  it('are the development sets, built by scripts/build-evidence-examples.ts', () => {
    // Prepare
    const sets = setFiles(/^dev\d*\.json$/).map((file) => ({ file, names: labelled(file) }));
    const heldOut = setFiles(/^test\d*\.json$/).flatMap(labelled);

    // Act
    const built = examplesFromSets(sets, heldOut);

    // Assess
    expect(sets.length).toBeGreaterThanOrEqual(7);
    expect(round.examples).toEqual(built);
  });

  it('hold no name of a held-out set, and refuse to be built from one', () => {
    // Prepare
    const heldOut = setFiles(/^test\d*\.json$/);
    // A bare 35.xlsx may be in both, with other folders or header rows: the same file is the same signals.
    const key = (e: EvidenceExample | undefined) => (e ? signalsKey(e) : '');
    const taught = new Set(round.examples?.examples.map(key));

    // Act
    const leaked = heldOut.flatMap((file) =>
      labelled(file)
        .map(exampleOf)
        .filter((e) => taught.has(key(e)))
        .map(key),
    );

    // Assess
    expect(heldOut.length).toBeGreaterThanOrEqual(6);
    expect(leaked).toEqual([]);
    expect(() => examplesFromSets([{ file: 'test.json', names: [] }], [])).toThrow(/only development sets/);
  });

  it('can be left out for a set they were built from, so the set measures as a fresh one would', () => {
    // Prepare
    const dev = labelled('dev.json');

    // Act
    const left = withoutExamplesOf(round, dev);

    // Assess
    const names = new Set(left.examples?.examples.map((e) => e.name));
    expect(dev.filter((n) => names.has(n.name))).toEqual([]);
    expect(left.examples?.examples.length).toBeLessThan(round.examples?.examples.length ?? 0);
  });
});
