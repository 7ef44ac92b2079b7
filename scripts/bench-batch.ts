/**
 * The batch benchmark (`npm run bench -- --batch`): our whole CLI against the bare libraries, on the same messages,
 * as whole processes (issue 17, targets 1–3).
 *
 * It writes a realistic round into a temporary folder: one message per registered base (30 in 2023), each with the
 * report form (.xlsx), the self-assessment (PDF), two loose evidence PDFs and a zip of evidence (PDFs and tables,
 * GBK names without the UTF-8 flag, as Windows' own zip writes them) — over 400 documents in all. Then, interleaved,
 * `--runs` times (default 3):
 *   baseline  scripts/bench-batch-baseline.mjs: mailparser, exceljs, pdf-parse and yauzl read every file, nothing
 *             else (plain JavaScript);
 *   floor     the same script storing the raw message and every file in S3 and one item per file in DynamoDB through
 *             the embedded stand-ins the CLI uses: what keeping the files costs here, before any reading of ours;
 *   intake    `intake ingest --data-dir <fresh> <all messages>` (the compiled CLI, as staff run it);
 *   single    one message: `intake ingest` then `intake status --json --base <it>` (end to end: status visible),
 *             against the baseline of that message alone;
 *   help      `intake --help`;  status  `intake status --json` on the 30-base round the intake run left: once right
 *             after the ingest (computed, status-first), then five times more (answered from the snapshot the first
 *             one kept, cli/commands/status-snapshot.ts).
 * Wall time is the child's, from spawn to exit; peak RSS is its `maxRSS` (threads included: the parser workers are
 * threads), written at exit by scripts/bench-rss-hook.mjs. Medians are printed with the ratios, then a Markdown table
 * for the README.
 *
 *   npm run bench -- --batch [--runs 3] [--bases 30]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { median } from './median.ts';

const ROOT = join(import.meta.dirname, '..');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TARGETS = { batch: 1.5, single: 2, helpMs: 300, statusMs: 500 } as const;

/** One child process: wall time and peak RSS. */
interface Run {
  ms: number;
  rssMb: number;
  stdout: string;
}

/** Runs `node <args>` with the RSS hook; wall time from spawn to exit. */
export async function runNode(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const rssFile = join(tmpdir(), `intake-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ['--import', join(ROOT, 'scripts/bench-rss-hook.mjs'), ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile, INTAKE_CLI_FROM: 'build' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    },
  );
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`);
  const rssKb = Number(await readFile(rssFile, 'utf8'));
  await rm(rssFile, { force: true });
  return { ms, rssMb: rssKb / 1024, stdout };
}

/** Writes the round's messages; returns their files, the base names and the number of documents they hold. */
export async function writeBatch(
  dir: string,
  bases: number,
): Promise<{ files: string[]; names: string[]; documents: number }> {
  const { loadRound } = await import('../shared/domain/rounds/index.ts');
  const { buildEmail } = await import('../tests/fixtures/email.ts');
  const { buildReportFormXlsx, SAMPLE_FORM_VALUES } = await import('../tests/fixtures/report-form.ts');
  const { buildMinimalPdf, buildSelfAssessmentPdf } = await import('../tests/fixtures/self-assessment-pdf.ts');
  const { makeZip } = await import('../tests/fixtures/zip.ts');
  const { default: ExcelJS } = await import('exceljs');
  const round = loadRound('2023');
  const city = new Map(round.cities.map((c) => [c.id, c.name]));
  const chosen = round.bases.slice(0, bases);
  const files: string[] = [];
  let documents = 0;
  for (const [i, base] of chosen.entries()) {
    const indicators = round.indicators.slice((i * 5) % 20, ((i * 5) % 20) + 14);
    const members: { name: Buffer; content: Buffer }[] = [];
    for (const [n, indicator] of indicators.entries()) {
      const title = `${String(n + 1).padStart(2, '0')} ${indicator.evidenceKeywords[0] ?? indicator.name}`;
      let content: Buffer;
      let name: string;
      if (n % 3 === 2) {
        const workbook = new ExcelJS.Workbook();
        const sheet = workbook.addWorksheet('明细');
        sheet.addRow(['序号', '名称', '数量', '备注']);
        for (let r = 1; r <= 40; r++) sheet.addRow([r, `${indicator.name}第${r}项`, r * 3, '']);
        content = Buffer.from(await workbook.xlsx.writeBuffer());
        name = `证明材料/${title}明细表.xlsx`;
      } else {
        content = await buildMinimalPdf(`${base.name}\n${indicator.name}证明材料\n${'情况说明。'.repeat(40)}`);
        name = `证明材料/${title}.pdf`;
      }
      members.push({ name: iconv.encode(name, 'gbk'), content });
    }
    const loose = await Promise.all(
      round.indicators.slice(30 + (i % 5), 32 + (i % 5)).map(async (indicator) => ({
        filename: `${indicator.evidenceKeywords[0] ?? indicator.name}.pdf`,
        content: await buildMinimalPdf(`${base.name} ${indicator.name} 证明材料`),
        contentType: 'application/pdf',
      })),
    );
    const raw = await buildEmail({
      subject: `【${city.get(base.city) ?? ''}】${base.name}2022-2023年度综合评价申报材料`,
      from: `"${base.name}" <base${i}@example.cn>`,
      receivedAt: new Date(Date.UTC(2023, 10, 6, 2, i)),
      attachments: [
        {
          filename: `${base.name}经营服务情况报告表.xlsx`,
          content: await buildReportFormXlsx({ header: { baseName: base.name }, values: SAMPLE_FORM_VALUES }),
          contentType: XLSX,
        },
        {
          filename: `${base.name}自评报告.pdf`,
          content: await buildSelfAssessmentPdf({ baseName: base.name }),
          contentType: 'application/pdf',
        },
        ...loose,
        { filename: '证明材料.zip', content: makeZip(members), contentType: 'application/zip' },
      ],
    });
    const file = join(dir, `${String(i + 1).padStart(2, '0')}.eml`);
    await writeFile(file, raw);
    files.push(file);
    documents += 2 + loose.length + 1 + members.length;
  }
  return { files, names: chosen.map((b) => b.name), documents };
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Runs the batch benchmark; returns the exit code (1 when a target is missed). */
export async function benchBatch(): Promise<number> {
  const runs = Number(option('--runs') ?? 3);
  const bases = Number(option('--bases') ?? 30);
  const dir = await mkdtemp(join(tmpdir(), 'intake-bench-batch-'));
  try {
    console.log('compiling the CLI (npm run prepare) ...');
    await runNode([join(ROOT, 'scripts/build-cli.mjs')]);
    const batch = await writeBatch(dir, bases);
    const cli = join(ROOT, 'bin/intake.mjs');
    const baseline = join(ROOT, 'scripts/bench-batch-baseline.mjs');
    const single = batch.files[0] as string;
    console.log(`batch: ${batch.files.length} messages, ${batch.documents} documents (forms, reports, PDFs, zips)`);
    const m: Record<string, Run[]> = {};
    const add = (key: string, run: Run) => {
      m[key] = [...(m[key] ?? []), run];
      console.log(
        `  ${key.padEnd(16)} ${String(Math.round(run.ms)).padStart(7)} ms  peak RSS ${run.rssMb.toFixed(0).padStart(4)} MB`,
      );
    };
    let lastData = '';
    for (let run = 1; run <= runs; run++) {
      console.log(`run ${run}`);
      add('baseline', await runNode([baseline, ...batch.files]));
      const floorDir = join(dir, `floor-${run}`);
      add('floor', await runNode([baseline, '--store', floorDir, ...batch.files]));
      await rm(floorDir, { recursive: true, force: true });
      lastData = join(dir, `data-${run}`);
      add('intake', await runNode([cli, 'ingest', '--data-dir', lastData, ...batch.files]));
      // The first status after a change is computed (and kept); asked again with nothing changed it is the kept one.
      add('status-first', await runNode([cli, 'status', '--json', '--data-dir', lastData]));
      add('baseline-single', await runNode([baseline, single]));
      const singleDir = join(dir, `single-${run}`);
      const ingested = await runNode([cli, 'ingest', '--data-dir', singleDir, single]);
      const status = await runNode([
        cli,
        'status',
        '--json',
        '--data-dir',
        singleDir,
        '--base',
        batch.names[0] as string,
      ]);
      if (!status.stdout.includes(batch.names[0] as string)) throw new Error('the single base is not in its status');
      add('intake-single', { ms: ingested.ms + status.ms, rssMb: Math.max(ingested.rssMb, status.rssMb), stdout: '' });
      await rm(singleDir, { recursive: true, force: true });
      if (run < runs) await rm(lastData, { recursive: true, force: true });
    }
    for (let i = 0; i < 5; i++) add('help', await runNode([cli, '--help']));
    for (let i = 0; i < 5; i++) {
      const status = await runNode([cli, 'status', '--json', '--data-dir', lastData]);
      const listed = (JSON.parse(status.stdout) as { bases?: unknown[] }).bases ?? [];
      if (listed.length < bases) throw new Error(`status listed ${listed.length} bases`);
      add('status', status);
    }
    const ms = (key: string) => median((m[key] ?? []).map((r) => r.ms));
    const rss = (key: string) => median((m[key] ?? []).map((r) => r.rssMb));
    const rows = [
      ['bare libraries (mailparser, exceljs, pdf-parse, yauzl)', 'baseline', 'baseline', ''],
      ['floor: the same + every file and an item stored in the stand-ins', 'floor', 'baseline', ''],
      [`intake ingest, ${batch.files.length} messages`, 'intake', 'baseline', `≤ ${TARGETS.batch}×`],
      ['bare libraries, one message', 'baseline-single', 'baseline-single', ''],
      ['intake ingest + status --json, one message', 'intake-single', 'baseline-single', `≤ ${TARGETS.single}×`],
    ] as const;
    console.log(`\nmedians of ${runs} (${batch.files.length} messages, ${batch.documents} documents):`);
    console.log('| | wall | × baseline (wall) | peak RSS | × baseline (RSS) | target |');
    console.log('|---|---|---|---|---|---|');
    for (const [label, key, against, target] of rows)
      console.log(
        `| ${label} | ${(ms(key) / 1000).toFixed(2)} s | ${(ms(key) / ms(against)).toFixed(2)} | ${rss(key).toFixed(0)} MB | ` +
          `${(rss(key) / rss(against)).toFixed(2)} | ${target} |`,
      );
    console.log(
      `| intake --help (median of 5) | ${ms('help').toFixed(0)} ms | | ${rss('help').toFixed(0)} MB | | ≤ ${TARGETS.helpMs} ms |`,
    );
    console.log(
      `| intake status --json, ${bases}-base round, first after the ingest (computed; median of ${runs}) | ${ms('status-first').toFixed(0)} ms | | ${rss('status-first').toFixed(0)} MB | | |`,
    );
    console.log(
      `| intake status --json, ${bases}-base round, asked again (snapshot; median of 5) | ${ms('status').toFixed(0)} ms | | ${rss('status').toFixed(0)} MB | | ≤ ${TARGETS.statusMs} ms |`,
    );
    const missed = [
      ms('intake') / ms('baseline') > TARGETS.batch && 'batch wall',
      rss('intake') / rss('baseline') > TARGETS.batch && 'batch RSS',
      ms('intake-single') / ms('baseline-single') > TARGETS.single && 'single message',
      ms('help') > TARGETS.helpMs && '--help',
      ms('status') > TARGETS.statusMs && 'status',
    ].filter(Boolean);
    console.log(missed.length === 0 ? 'all targets met' : `targets missed: ${missed.join(', ')}`);
    return missed.length === 0 ? 0 : 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
