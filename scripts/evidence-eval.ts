/**
 * Measures the evidence classifier on a labelled set (tests/fixtures/evidence-names/*.json): precision over decided
 * names, recall (decided right ÷ all names with a label), the asked rate, the confusion pairs and the misses.
 * `npx tsx scripts/evidence-eval.ts [dev…|test…] [--misses] [--leave-out]`. Tune the vocabulary on the dev sets only: the test
 * sets are the measurement. The tie-breaker learns from the dev sets (examples.json); `--leave-out` measures a dev set
 * with its own names taken out of the examples, as a fresh set would be measured.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRound } from '../shared/domain/rounds/index.ts';
import { type LabelledName, measure, withoutExamplesOf } from '../shared/parsing/evidence/measure.ts';

const set = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? 'dev';
const path = fileURLToPath(new URL(`../tests/fixtures/evidence-names/${set}.json`, import.meta.url));
const names = JSON.parse(readFileSync(path, 'utf8')) as LabelledName[];
const round = process.argv.includes('--leave-out') ? withoutExamplesOf(loadRound(), names) : loadRound();
const result = measure(names, round);
console.log(
  `${set}: ${result.total} names · decided ${result.decided} · right ${result.right} (exact ${result.exact}) · wrong ${result.wrong} · asked ${result.asked}`,
);
console.log(
  `precision ${result.precision.toFixed(3)} · recall ${result.recall.toFixed(3)} (exact sets ${result.exactRecall.toFixed(3)}) · asked ${(result.askedRate * 100).toFixed(1)} % · unknowable decided ${result.unknowableDecided}`,
);
console.log('confusion (expected -> decided):');
for (const [pair, count] of result.confusion) console.log(`  ${count} × ${pair}`);
if (process.argv.includes('--misses')) {
  for (const miss of result.misses) console.log(`  ${miss}`);
}
