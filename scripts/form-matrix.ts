/**
 * The report-form layout matrix (`npm run form-matrix`): seeds × layout families (see
 * `tests/fixtures/form-layouts/families.ts`), each form written, read back with `parseReportForm` and compared
 * field by field with the values it was written from. Prints a table per family — forms, fields, exact, unread
 * (null where a value was written), wrong (a different value: a false value), values without a source, parses
 * that threw, median ms per parse (after one warm-up form per family) — and exits 1 on any wrong value.
 *
 *   npm run form-matrix [-- --seeds 50] [--family notice-table] [--show-wrong] [--show-unread]
 *   --seeds N        seeds 1..N per family (default 50)
 *   --family NAME    one family (repeatable)
 *   --show-wrong     lists every failure: item/field, expected, got, raw, source (wrong values first)
 *   --show-unread    with --show-wrong: lists unread fields too (they are counted either way)
 */
import { parseArgs } from 'node:util';
import { FAMILIES, familyNamed } from '../tests/fixtures/form-layouts/families.ts';
import { type Failure, formatFailure, formatTable, runMatrix } from '../tests/fixtures/form-layouts/matrix.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '50' },
    family: { type: 'string', multiple: true },
    'show-wrong': { type: 'boolean', default: false },
    'show-unread': { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1) {
  console.error(`--seeds must be a positive integer, not ${values.seeds}`);
  process.exit(2);
}
let families = FAMILIES;
try {
  if (values.family?.length) families = values.family.map(familyNamed);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const started = Date.now();
const { stats, failures } = await runMatrix({ seeds, families, warmUp: true });
console.log(
  `report-form matrix: ${seeds} seed(s) × ${families.length} famil${families.length === 1 ? 'y' : 'ies'}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(formatTable(stats));

if (values['show-wrong']) {
  const order: Failure['kind'][] = ['wrong', 'no-source', 'unread'];
  const shown = failures
    .filter((f) => f.kind !== 'unread' || values['show-unread'])
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  console.log();
  for (const failure of shown) console.log(formatFailure(failure));
  const hidden = failures.length - shown.length;
  if (hidden > 0) console.log(`(${hidden} unread field(s) not listed: add --show-unread)`);
}

const wrong = stats.reduce((n, s) => n + s.wrong, 0);
if (wrong > 0) {
  console.error(`\n${wrong} wrong value(s): the reader returned a value other than the one written`);
  process.exit(1);
}
