/**
 * Builds the round's examples.json, the settled evidence files the classifier's tie-breaker learns from, from the
 * development sets of labelled names (tests/fixtures/evidence-names/dev*.json). The held-out sets (test*.json) are
 * never used: they measure the classifier. `npx tsx scripts/build-evidence-examples.ts [--check]`; `--check` fails
 * when the committed file differs from what the sets give.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { examplesFromSets } from '../shared/parsing/evidence/measure.ts';

const setsDir = fileURLToPath(new URL('../tests/fixtures/evidence-names/', import.meta.url));
const out = fileURLToPath(new URL('../shared/domain/rounds/2023/examples.json', import.meta.url));
const read = (pattern: RegExp) =>
  readdirSync(setsDir)
    .filter((f) => pattern.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((file) => ({ file, names: JSON.parse(readFileSync(`${setsDir}${file}`, 'utf8')) }));
const heldOut = read(/^test\d*\.json$/).flatMap((s) => s.names);
const text = `${JSON.stringify(examplesFromSets(read(/^dev\d*\.json$/), heldOut), null, 0).replace(/\},\{"name"/g, '},\n{"name"')}\n`;
if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    console.error(`${out} differs from the development sets: run npx tsx scripts/build-evidence-examples.ts`);
    process.exit(1);
  }
  console.log('examples.json matches the development sets');
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
