/**
 * File-package benchmark (issue 16, part 1): the whole round's zip (`intake bundle --all`) of a synthetic round —
 * 30 bases × 40 files of a few hundred KB of random bytes (incompressible, as the photos and PDFs bases send are) —
 * streamed to a temporary file, with wall time, output size and peak RSS (target < 300 MB: the package is GBs in a
 * real round and must never be held in memory).
 *
 *   npx tsx scripts/bench-bundle.ts [--bases 30] [--files 40] [--kb 350] [--out /dev/null]
 *
 * Set-up: the stand-ins (dynalite, s3rver) run in a process of their own, as DynamoDB and S3 are apart from the
 * Lambda, so their memory is not counted; the records and blobs are written straight into the stores (a submission
 * per base, its documents: report form, self-assessment, evidence over the indicators — some shared by two, some
 * left 待核实 — and a few others). Measured: a child process that loads the modules, joins the stand-ins, then plans
 * and streams the package; it runs an esbuild bundle of this script under plain node, since tsx transforms every
 * module in memory (~150 MB of RSS that a deployed build does not carry). Peak RSS is the kernel's high-water mark
 * (VmHWM) and the highest of RSS samples taken every 20 ms; the RSS once loaded is printed beside it. The zip is
 * then read back with yauzl (entry count, sizes) so a fast but broken package cannot pass.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { serveStack, startReadyChild } from './stack-process.ts';

// The SDK's notice that it will need Node 22 from 2027 would print in every process (bin/intake.mjs does the same).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const MB = 1024 * 1024;
const TARGET_RSS_MB = 300;

/** What the measuring child reports. */
interface Measurement {
  ms: number;
  bytes: number;
  entries: number;
  plannedFiles: number;
  filesBytes: number;
  loadedRssMb: number;
  peakRssMb: number;
  sampledPeakRssMb: number;
}

const { values: args } = parseArgs({
  options: {
    child: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    bases: { type: 'string', default: '30' },
    files: { type: 'string', default: '40' },
    kb: { type: 'string', default: '350' },
  },
});

if (args.child === 'stack') await serveStack(args.data!);
else if (args.child === 'measure') await measure(args.data!, args.out!);
else await main();

async function main(): Promise<void> {
  const bases = Number(args.bases);
  const files = Number(args.files);
  const kb = Number(args.kb);
  const dir = await mkdtemp(join(tmpdir(), 'intake-bench-bundle-'));
  const dataDir = join(dir, 'data');
  const out = args.out ?? join(dir, 'round.zip');
  // Under node_modules so that the bundle's bare imports resolve to the project's packages.
  const buildDir = join(import.meta.dirname, '../node_modules/.cache/intake-bench-bundle');
  let stack: { stop(): Promise<void> } | null = null;
  try {
    const bundled = await bundleSelf(buildDir);
    stack = await startReadyChild([bundled, '--child', 'stack', '--data', dataDir]);
    const seeded = await seed(dataDir, bases, files, kb);
    console.log(
      `synthetic round: ${seeded.bases} bases × ${files} files, ${(seeded.bytes / MB).toFixed(0)} MiB of random bytes`,
    );
    const measured = await runMeasure(bundled, dataDir, out);
    const check = out === '/dev/null' ? null : await readBack(out);
    const rows = [
      ['wall time', `${(measured.ms / 1000).toFixed(1)} s`],
      ['zip size', `${(measured.bytes / MB).toFixed(0)} MiB (${measured.bytes} bytes; files ${measured.filesBytes})`],
      ['entries', `${measured.entries} (${measured.plannedFiles} files + 目录.xlsx)`],
      ['throughput', `${(measured.bytes / MB / (measured.ms / 1000)).toFixed(0)} MiB/s`],
      ['RSS once loaded', `${measured.loadedRssMb.toFixed(0)} MB`],
      [
        'peak RSS',
        `${measured.peakRssMb.toFixed(0)} MB (VmHWM; sampled ${measured.sampledPeakRssMb.toFixed(0)} MB), target < ${TARGET_RSS_MB} MB: ${
          measured.peakRssMb < TARGET_RSS_MB ? 'OK' : 'MISSED'
        }`,
      ],
    ];
    if (check) rows.push(['read back', `${check.entries} entries, ${(check.bytes / MB).toFixed(0)} MiB unpacked`]);
    for (const [label, value] of rows) console.log(`${label!.padEnd(16)} ${value}`);
    if (check && (check.entries !== measured.entries || check.bytes < measured.filesBytes)) {
      console.error('the zip read back does not hold what was planned');
      process.exitCode = 1;
    }
    if (measured.peakRssMb >= TARGET_RSS_MB) process.exitCode = 1;
  } finally {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(buildDir, { recursive: true, force: true });
  }
}

/** Writes the synthetic round straight into the stores: records in DynamoDB, random bytes in S3. */
async function seed(dataDir: string, baseCount: number, fileCount: number, kb: number) {
  const { createLocalContext } = await import('../shared/composition/local.ts');
  const local = await createLocalContext({ dataDir });
  const { ctx } = local;
  const indicators = ctx.round.indicators;
  const receivedAt = '2023-11-06T02:00:00.000Z';
  let bytes = 0;
  try {
    const bases = ctx.round.bases.filter((b) => b.participating).slice(0, baseCount);
    for (const [b, base] of bases.entries()) {
      const submissionId = `s-bench${String(b).padStart(3, '0')}`;
      const documentIds: string[] = [];
      for (let f = 0; f < fileCount; f++) {
        // A few hundred KB, varied so that no two files are alike.
        const content = randomBytes(Math.round(kb * 1024 * (0.6 + ((f * 7 + b) % 9) / 10)));
        const sha256 = createHash('sha256').update(content).digest('hex');
        const blobKey = `documents/${sha256}`;
        await ctx.blobs.put(blobKey, content, { contentType: 'application/octet-stream', sha256 });
        bytes += content.length;
        const indicator = indicators[f % indicators.length]!;
        const second = indicators[(f + 5) % indicators.length]!;
        const kind = f === 0 ? 'report-form' : f === 1 ? 'self-assessment' : f % 13 === 12 ? 'other' : 'evidence';
        const asked = kind === 'evidence' && f % 11 === 10;
        const shared = kind === 'evidence' && f % 7 === 6;
        const slugs = kind !== 'evidence' || asked ? [] : shared ? [indicator.slug, second.slug] : [indicator.slug];
        const fileName =
          kind === 'report-form'
            ? '经营服务情况报告表.xlsx'
            : kind === 'self-assessment'
              ? '自评报告.pdf'
              : `${indicator.name}明细${f}.${['pdf', 'xlsx', 'jpg', 'docx'][f % 4]}`;
        const id = `${submissionId}/${sha256}`;
        documentIds.push(id);
        await ctx.records.documents.save({
          id,
          submissionId,
          baseId: base.id,
          fileName,
          folderPath: null,
          contentType: 'application/octet-stream',
          size: content.length,
          sha256,
          blobKey,
          receivedAt,
          kind,
          indicator: slugs[0] ?? null,
          indicators: slugs,
          classification: asked
            ? {
                decision: 'asked',
                confidence: 0.4,
                candidates: [
                  { indicator: indicator.slug, score: 2 },
                  { indicator: second.slug, score: 1.8 },
                ],
                reasons: ['bench'],
              }
            : null,
          formValues: null,
          formHeader: null,
          report: null,
          findings: [],
        });
      }
      await ctx.records.submissions.create({
        id: submissionId,
        roundId: ctx.round.id,
        channel: 'cli',
        rawKey: `raw/${submissionId}`,
        rawSha256: '0'.repeat(64),
        rawSize: 0,
        receivedAt,
        receivedAtSource: 'file-time',
        sentAt: null,
        messageId: null,
        from: null,
        subject: `${base.name} 申报材料`,
        state: 'processed',
        duplicateOf: null,
        baseId: base.id,
        match: { how: 'name', source: 'subject', score: 1 },
        documentIds,
        findings: [],
        recordedAt: receivedAt,
      });
    }
    return { bases: bases.length, bytes };
  } finally {
    await local.close();
  }
}

/** The measuring child: loads, joins the stand-ins, plans and streams the round's package to `out`. */
async function measure(dataDir: string, out: string): Promise<void> {
  const [{ createLocalContext }, { planBundle, streamBundle }] = await Promise.all([
    import('../shared/composition/local.ts'),
    import('../shared/use-cases/bundle.ts'),
  ]);
  const local = await createLocalContext({ dataDir });
  let sampled = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 20);
  try {
    const loadedRssMb = process.memoryUsage().rss / MB;
    const started = performance.now();
    const plan = await planBundle(local.ctx, { all: true });
    const { stream, done } = streamBundle(local.ctx, plan);
    await pipeline(stream, createWriteStream(out));
    const result = await done;
    const ms = performance.now() - started;
    clearInterval(sampler);
    const measurement: Measurement = {
      ms,
      bytes: result.bytes,
      entries: result.entries,
      plannedFiles: plan.entries.length,
      filesBytes: plan.totalBytes,
      loadedRssMb,
      peakRssMb: await vmHwmMb(),
      sampledPeakRssMb: sampled / MB,
    };
    console.log(JSON.stringify(measurement));
  } finally {
    clearInterval(sampler);
    await local.close();
  }
}

/** The kernel's peak resident set of this process (VmHWM), in MB; maxRSS where /proc is not there. */
async function vmHwmMb(): Promise<number> {
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const kb = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    if (kb > 0) return kb / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Reads the zip back: entries and unpacked bytes. */
async function readBack(file: string): Promise<{ entries: number; bytes: number }> {
  const { default: yauzl } = await import('yauzl');
  const { size } = await stat(file);
  if (size === 0) throw new Error('empty zip');
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      let entries = 0;
      let bytes = 0;
      zip.on('entry', (entry: { uncompressedSize: number }) => {
        entries++;
        bytes += entry.uncompressedSize;
        zip.readEntry();
      });
      zip.on('end', () => resolve({ entries, bytes }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function runMeasure(script: string, dataDir: string, out: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, '--child', 'measure', '--data', dataDir, '--out', out], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`measuring child failed (${code}): ${output}`));
      resolve(JSON.parse(line) as Measurement);
    });
  });
}

/** Bundles this script (our TypeScript compiled, packages left to node) and returns the entry to run. */
async function bundleSelf(outdir: string): Promise<string> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: { 'bench-bundle': import.meta.filename },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
  return join(outdir, 'bench-bundle.mjs');
}
