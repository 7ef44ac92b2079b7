/**
 * The report-form layout matrix as a test: FORM_MATRIX_SEEDS seeds (default 50) ×
 * every layout family of `tests/fixtures/form-layouts/families.ts`. Each form is written from drawn values, read back
 * with `parseReportForm` and compared field by field: no field may come back wrong (a false value) or unread, and
 * every value read must carry its source. The per-family table is printed; `npm run form-matrix -- --show-wrong`
 * lists the failures one by one.
 */
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../fixtures/form-layouts/families.ts';
import { type Failure, formatFailure, formatTable, runMatrix } from '../../fixtures/form-layouts/matrix.ts';

const SEEDS = Number(process.env.FORM_MATRIX_SEEDS ?? 50);

describe(`report-form layout matrix (${SEEDS} seeds × ${FAMILIES.length} families)`, () => {
  for (const family of FAMILIES) {
    it(`${family.name}: every field reads back exactly, with its source`, async () => {
      // Act
      const { stats, failures } = await runMatrix({ seeds: SEEDS, families: [family] });

      // Assess
      console.log(formatTable(stats, false));
      const listed = (kind: Failure['kind']) =>
        failures
          .filter((f) => f.kind === kind)
          .slice(0, 8)
          .map(formatFailure);
      const [s] = stats;
      expect(s!.threw, 'parses that threw').toBe(0);
      expect(listed('wrong'), `${s!.wrong} wrong value(s)`).toEqual([]);
      expect(listed('unread'), `${s!.unread} unread field(s)`).toEqual([]);
      expect(listed('no-source'), `${s!.noSource} value(s) without a source`).toEqual([]);
      expect(s!.exact).toBe(s!.fields);
    }, 120_000);
  }
});
