/**
 * The finding catalogue: every code raised is in it (the compiler sees to that: `finding()` takes a FindingCode),
 * every code in it is raised somewhere, a finding gets the catalogue's severity, stored records with codes no longer
 * raised still read, and where a code is said to be shown follows the consumers' rules (see the catalogue's comment).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FINDING_CATALOGUE,
  type FindingCode,
  type FindingSurface,
  findingEntry,
  isFindingCode,
  RETIRED_FINDING_CODES,
} from '../../../shared/domain/finding-catalogue.ts';
import { finding, findingSchema } from '../../../shared/domain/findings.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const codes = Object.keys(FINDING_CATALOGUE) as FindingCode[];

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('finding()', () => {
  it('gives a finding the severity of its code in the catalogue', () => {
    // Arrange: one code of each severity.
    const picks: FindingCode[] = ['form.encrypted', 'form.value-conflict', 'form.ticks-claimed'];

    // Act
    const made = picks.map((code) => finding(code, '说明', { document: '报告表.xlsx' }));

    // Assess
    expect(made.map((f) => f.severity)).toEqual(['error', 'warning', 'info']);
    expect(made[0]).toEqual({ code: 'form.encrypted', severity: 'error', message: '说明', document: '报告表.xlsx' });
  });

  it('does not compile with a code that is not catalogued', () => {
    // @ts-expect-error a misspelt code is a type error (npm test runs tsc over the tests)
    const misspelt = () => finding('form.encrypt', '说明');

    // One that slips past the compiler (a cast, plain JavaScript) is refused when it runs.
    expect(misspelt).toThrow('finding code not in the catalogue: form.encrypt');
    expect(isFindingCode('form.encrypt')).toBe(false);
  });
});

describe('the catalogue', () => {
  it('holds well-formed codes that stored records accept', () => {
    for (const code of codes) {
      expect(findingSchema.safeParse(finding(code, '说明')).success, code).toBe(true);
    }
  });

  it('lists no code that nothing raises (a code no longer raised belongs among the retired ones)', () => {
    // Arrange: the source of everything that raises findings, the catalogue itself left out.
    const text = ['shared', 'cli', 'functions']
      .flatMap(sourcesUnder)
      .filter((file) => !file.endsWith(join('domain', 'finding-catalogue.ts')))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');

    // Act
    const unused = codes.filter((code) => !text.includes(`'${code}'`));

    // Assess
    expect(unused).toEqual([]);
  });

  it('is the only list of codes: no code named in the source (a consumer filtering on one) is missing from it', () => {
    // Arrange: the source, and the codes of its errors (IntakeError), which share the dotted style.
    const text = ['shared', 'cli', 'functions']
      .flatMap(sourcesUnder)
      .filter((file) => !file.endsWith(join('domain', 'finding-catalogue.ts')))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const families = [...new Set(codes.map((code) => code.split('.')[0]))];
    const named = new Set(
      [...text.matchAll(new RegExp(`'((?:${families.join('|')})\\.[a-z0-9-]+)'`, 'g'))].map((m) => m[1]),
    );
    const errorCodes = new Set(
      [...text.matchAll(/super\(\s*'([a-z-]+\.[a-z0-9-]+)',\s*'(?:input|failure)'/g)].map((m) => m[1]),
    );
    // Dotted strings that are no codes: a round's file, the fallback mail domain, resume's own outcome.
    const NOT_CODES = new Set(['form.json', 'intake.invalid', 'intake.resume-failed']);

    // Act
    const unknown = [...named].filter(
      (code) =>
        code !== undefined &&
        !isFindingCode(code) &&
        !Object.hasOwn(RETIRED_FINDING_CODES, code) &&
        !errorCodes.has(code) &&
        !NOT_CODES.has(code),
    );

    // Assess
    expect(errorCodes.size).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('keeps retired codes apart from the codes raised today', () => {
    for (const code of Object.keys(RETIRED_FINDING_CODES)) {
      expect(isFindingCode(code), code).toBe(false);
      expect(findingEntry(code)).toBeNull();
    }
  });

  it('still reads a stored finding whose code is retired or unknown', () => {
    // Arrange: records written by an older and a newer version.
    const stored = [
      { code: 'form.not-xlsx', severity: 'error', message: '文件不是 .xlsx 格式的 Excel 工作簿，无法读取报告表。' },
      { code: 'evidence.seal-missing', severity: 'warning', message: '未见公章。' },
    ];

    // Act
    const read = stored.map((f) => findingSchema.parse(f));

    // Assess
    expect(read.map((f) => f.code)).toEqual(['form.not-xlsx', 'evidence.seal-missing']);
    expect(read.map((f) => findingEntry(f.code))).toEqual([null, null]);
  });

  it('says each code is shown where the consumers show it', () => {
    // The consumers' rules, as the catalogue's comment states them.
    const STAFF_ONLY = new Set<string>([
      'intake.base-unknown',
      'intake.base-ambiguous',
      'intake.base-cancelled',
      'intake.quarantined',
    ]);
    const AFTER_RECEIPT = (code: string) => code.startsWith('storage.');
    const expected = (code: FindingCode): FindingSurface[] => {
      const { on, severity } = FINDING_CATALOGUE[code];
      const open = severity !== 'info';
      const toSender = open && !STAFF_ONLY.has(code) && !AFTER_RECEIPT(code);
      switch (on) {
        case 'review':
          return ['review'];
        case 'notice':
          return ['notice-log'];
        case 'city':
          return ['city', 'notice', 'export'];
        case 'status':
        case 'document':
          return [
            'status',
            ...(open ? (['notice', 'export'] as const) : []),
            ...(toSender ? (['acknowledgement'] as const) : []),
          ];
        case 'submission': {
          // Identification findings go when staff assign the submission; a cancelled base's mail has its base.
          if (code === 'intake.base-unknown' || code === 'intake.base-ambiguous') return ['unmatched'];
          if (code === 'intake.base-cancelled') return ['status'];
          return [
            'unmatched',
            'status',
            ...(open ? (['notice', 'export'] as const) : []),
            ...(toSender ? (['acknowledgement'] as const) : []),
          ];
        }
      }
    };

    const wrong = codes.filter((code) => {
      const said = [...FINDING_CATALOGUE[code].shown].sort();
      return JSON.stringify(said) !== JSON.stringify(expected(code).sort());
    });

    expect(wrong).toEqual([]);
  });

  it('has a Chinese and an English title for every code', () => {
    for (const code of codes) {
      const e = FINDING_CATALOGUE[code];
      expect(e.zh, code).toMatch(/\p{Script=Han}/u);
      expect(e.en, code).toMatch(/^[A-Z]/);
    }
  });
});
