/**
 * The OCR benchmark's measure (scripts/bench-ocr.ts): the share of a known page's characters an engine read. The
 * benchmark itself (engines, timings) runs with `npm run bench -- --ocr`, not here.
 */
import { describe, expect, it } from 'vitest';
import { ACCURACY_TARGET, characterAccuracy } from '../../../scripts/bench-ocr.ts';

describe('characterAccuracy', () => {
  it('is 1 for the same text, whatever the line breaks and spaces', () => {
    expect(characterAccuracy('基地概况\n（一）基本情况', '基地 概况（一）\n基本情况')).toBe(1);
  });

  it('counts full-width and half-width punctuation as the same character', () => {
    expect(characterAccuracy('成立于2020年6月，位于太原市（小店区）', '成立于2020年6月,位于太原市(小店区)')).toBe(1);
    expect(characterAccuracy('复购率达到35%', '复购率达到35％')).toBe(1);
  });

  it('takes one character off for each one misread, missed or added', () => {
    const truth = '提供直播间租赁、主播经纪'; // 12 characters
    expect(characterAccuracy(truth, '提供直播间租贼、主播经纪')).toBeCloseTo(11 / 12); // misread
    expect(characterAccuracy(truth, '提供直播间租、主播经纪')).toBeCloseTo(11 / 12); // missed
    expect(characterAccuracy(truth, '提供直播间租赁、主播经纪人')).toBeCloseTo(11 / 12); // added
    expect(characterAccuracy(truth, '复购率达到35%')).toBeLessThan(ACCURACY_TARGET);
  });

  it('is 0 for nothing read, never below 0 for noise longer than the page', () => {
    expect(characterAccuracy('自评报告', '')).toBe(0);
    expect(characterAccuracy('自评', '减80减80减80')).toBe(0);
    expect(characterAccuracy('', '')).toBe(1);
  });
});
