/**
 * Ingest benchmark (`npm run bench`): builds a realistic 40 MB submission (report form, self-assessment PDF,
 * incompressible photos and a zip of evidence with GBK names), writes it to a temporary file, then measures in
 * separate child processes, so that peak RSS is per measurement:
 *   bare           mailparser's streaming parse of the file (MailParser with our options, attachment streams
 *                  consumed, nothing stored): the floor any MIME reader pays;
 *   ingest         our `ingestMessage` on a fresh embedded stack (dynalite and s3rver in the same process);
 *   ingest-remote  the same with the stand-ins in a process of their own, as S3 and DynamoDB are for the Lambda:
 *                  the RSS of our code alone;
 *   ingest-stored  the production path: the message is already in the bucket under inbox/ (where the SES receipt
 *                  rule puts it) and `ingestStoredMessage` reads it from there, stand-ins apart as S3 and DynamoDB
 *                  are for the Lambda. The targets are checked on this one; the others show what each part costs;
 *   floor          the SES path's least work: the stored message read as a stream and each attachment streamed to
 *                  the store as it is decoded (stand-ins apart), nothing buffered, hashed, read or recorded:
 *                  what any design that keeps the files pays, for scale.
 * Runs are interleaved (bare, ingest, ingest-remote, ingest-stored, floor, bare ...), medians are reported with the
 * ratio to bare for each (target <= 1.5) and each peak RSS (target < 256 MB); the exit code is 1 when the
 * production path misses a target.
 * Besides wall time, each child reports its CPU time (robust when other work shares the machine) and where it
 * waited on storage (calls by kind), so that a missed target points at its cause.
 *
 * Children run an esbuild bundle of this script under plain node (code-split, so each loads only what it uses):
 * under tsx every module of node_modules is transformed in memory, which alone adds ~150 MB of RSS (pdf.js).
 *
 * Each child first handles a small message of the same kinds of files (warm-up: modules that load on first use,
 * such as pdf.js's worker, and the JIT), then the measured one: the figures are those of a running service, not of
 * a cold start.
 *
 *   npm run bench [-- --runs 3 --message-mb 40 --profile]
 *   npm run bench -- --ocr [--runs 3]   the OCR benchmark instead (scripts/bench-ocr.ts)
 *   --profile writes a V8 CPU profile of each measured section (warm-up excluded) to $TMPDIR/intake-bench-profiles
 *   (open in Chrome DevTools > Performance, or summarise with any .cpuprofile reader).
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttachmentStream, MailParser as MailParserType } from 'mailparser';
import type { AppContext } from '../shared/use-cases/context.ts';
import { median } from './median.ts';
import { serveStack, startReadyChild } from './stack-process.ts';

// Everything else is imported where it is used: a child must load only what its measurement needs (the
// fixtures alone, with exceljs and pdfkit, weigh over 100 MB of RSS), or the baseline hides the work.

/** What one child process measured. */
interface Measurement {
  mode: Mode;
  ms: number;
  /** process.resourceUsage().maxRSS, in MB. */
  peakRssMb: number;
  /** RSS just before the measured work (modules loaded, stack started, warm-up done, raw read), in MB. */
  startRssMb: number;
  /** RSS once modules are loaded and the stack started, before the warm-up, in MB (ingest modes). */
  loadedRssMb?: number;
  attachments?: number;
  documents?: number;
  /** CPU time (user + system) of the measured section, in ms: less disturbed by other load than wall time. */
  cpuMs: number;
  /** Milliseconds with at least one storage call in flight (ingest modes). */
  storageMs?: number;
  /** Time spent in each kind of storage call, summed over calls (calls may overlap). */
  storage?: Record<string, { calls: number; ms: number }>;
}

type Mode = 'bare' | 'ingest' | 'ingest-remote' | 'ingest-stored' | 'floor';
const MODES: Mode[] = ['bare', 'ingest', 'ingest-remote', 'ingest-stored', 'floor'];
/** The mode the targets are checked on: the path the ingest Lambda runs (see the header). */
const TARGET_MODE: Mode = 'ingest-stored';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const BASE = '邮拓直播电商基地';
const WARMUP_BASE = '龙巅兴趣直播基地';
const MB = 1024 * 1024;
const TARGET_RATIO = 1.5;
const TARGET_RSS_MB = 256;
/** Same options as `readMessage` (shared/parsing/email.ts), so that the floor is the same parse. */
const PARSER_OPTIONS = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  checksumAlgo: false,
} as ConstructorParameters<typeof MailParserType>[0];

async function main(): Promise<void> {
  const runs = Number(option('--runs') ?? 3);
  const messageMb = Number(option('--message-mb') ?? 40);
  const profile = process.argv.includes('--profile');
  const dir = await mkdtemp(join(tmpdir(), 'intake-bench-'));
  // Inside node_modules, so that the bundle resolves packages (and pdf.js assets) as the sources do.
  const bundleDir = join(import.meta.dirname, '../node_modules/.cache/intake-bench');
  try {
    const bundle = await bundleSelf(bundleDir);
    const file = join(dir, 'submission.eml');
    const built = await buildSubmission(messageMb * MB, BASE);
    await writeFile(file, built.raw);
    const warmup = join(dir, 'warmup.eml');
    await writeFile(warmup, (await buildSubmission(2 * MB, WARMUP_BASE)).raw);
    const profileDir = profile ? join(tmpdir(), 'intake-bench-profiles') : null;
    if (profileDir) await mkdir(profileDir, { recursive: true });
    const size = (await stat(file)).size;
    console.log(
      `message: ${(size / MB).toFixed(1)} MB raw, ${built.files} attachments + ${built.zipMembers} zip members, ` +
        `${(built.decodedBytes / MB).toFixed(1)} MB decoded`,
    );
    const results: Measurement[] = [];
    for (let run = 1; run <= runs; run++) {
      for (const mode of MODES) {
        const m = await runChild(bundle, mode, file, warmup, profileDir);
        results.push(m);
        console.log(
          `  run ${run} ${mode.padEnd(13)} ${String(Math.round(m.ms)).padStart(6)} ms (CPU ${String(Math.round(m.cpuMs)).padStart(5)} ms)` +
            `  peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB` +
            `  (loaded ${(m.loadedRssMb ?? m.startRssMb).toFixed(0)} MB, before the work ${m.startRssMb.toFixed(0)} MB)` +
            `${m.documents !== undefined ? `  ${m.documents} documents` : ''}`,
        );
      }
    }
    report(results, runs);
    if (profileDir) console.log(`CPU profiles of the measured sections: ${profileDir}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(bundleDir, { recursive: true, force: true });
  }
}

/** Bundles this script (our TypeScript compiled, packages left to node) and returns the entry to run. */
async function bundleSelf(outdir: string): Promise<string> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: { bench: import.meta.filename },
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
  return join(outdir, 'bench.mjs');
}

function report(results: Measurement[], runs: number): void {
  const of = (mode: Mode) => results.filter((r) => r.mode === mode);
  const med = (mode: Mode, pick: (m: Measurement) => number) => median(of(mode).map(pick));
  const bareMs = med('bare', (m) => m.ms);
  const bareCpu = med('bare', (m) => m.cpuMs);
  const ms = (value: number) => `${Math.round(value)} ms`;
  const mb = (value: number) => `${value.toFixed(0)} MB`;
  const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED');
  const rows = [
    ['', 'wall time', 'ratio', 'CPU time', 'ratio', 'storage busy', 'peak RSS', 'RSS loaded / before'],
    ['mailparser bare parse', ms(bareMs), '', ms(bareCpu), '', '', mb(med('bare', (m) => m.peakRssMb)), ''],
  ];
  for (const [mode, label] of [
    ['ingest', 'ingestMessage, stand-ins in process'],
    ['ingest-remote', 'ingestMessage, stand-ins apart'],
    ['ingest-stored', 'ingestStoredMessage (SES path), stand-ins apart'],
    ['floor', 'floor: stream from store, parse, stream files back'],
  ] as const) {
    const wall = med(mode, (m) => m.ms);
    const cpu = med(mode, (m) => m.cpuMs);
    const rss = med(mode, (m) => m.peakRssMb);
    rows.push([
      label,
      ms(wall),
      `${(wall / bareMs).toFixed(2)} ${verdict(wall / bareMs <= TARGET_RATIO)}`,
      ms(cpu),
      (cpu / bareCpu).toFixed(2),
      ms(med(mode, (m) => m.storageMs ?? 0)),
      `${mb(rss)} ${verdict(rss < TARGET_RSS_MB)}`,
      `${mb(med(mode, (m) => m.loadedRssMb ?? 0))} / ${mb(med(mode, (m) => m.startRssMb))}`,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  console.log(
    `\nmedians of ${runs} runs each, interleaved, one process per run; targets: wall-time ratio ingest/bare <= ` +
      `${TARGET_RATIO}, ingest peak RSS < ${TARGET_RSS_MB} MB`,
  );
  for (const [i, row] of rows.entries()) {
    console.log(`  ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')}`);
    if (i === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('-+-')}`);
  }
  console.log(
    '  CPU time: this process only (with the stand-ins in process, their work too). storage busy: time with a\n' +
      '  blob or record call in flight. RSS loaded: modules and stack, before the warm-up; before: with the raw read.',
  );
  for (const mode of ['ingest', 'ingest-remote', 'ingest-stored', 'floor'] as const) {
    const storage = of(mode).at(-1)?.storage ?? {};
    const calls = Object.entries(storage)
      .filter(([, s]) => s.ms >= 20)
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([name, s]) => `${name} ${s.calls}x ${Math.round(s.ms)} ms`);
    console.log(`  ${mode} storage calls (last run, >= 20 ms): ${calls.join(', ') || 'none'}`);
  }
  const ratio = med(TARGET_MODE, (m) => m.ms) / bareMs;
  const rss = med(TARGET_MODE, (m) => m.peakRssMb);
  console.log(
    `\n${TARGET_MODE} (the ingest Lambda's path): ratio ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}), ` +
      `peak RSS ${rss.toFixed(0)} MB (target < ${TARGET_RSS_MB} MB)`,
  );
  if (ratio > TARGET_RATIO || rss >= TARGET_RSS_MB) process.exitCode = 1;
}

/** Runs one measurement in a fresh Node process (tsx loader) and reads its JSON line. */
function runChild(
  bundle: string,
  mode: Mode,
  file: string,
  warmup: string,
  profileDir: string | null,
): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', bundle, '--child', mode, file, warmup], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...(profileDir ? { BENCH_PROFILE_DIR: profileDir } : {}),
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"mode"'));
      if (code !== 0 || !line) reject(new Error(`${mode} child failed (exit ${code}):\n${err}${out}`));
      else resolve(JSON.parse(line) as Measurement);
    });
  });
}

/** The child side: one measurement, printed as one JSON line. */
async function child(mode: Mode | 'stack', file: string, warmup: string): Promise<void> {
  if (mode === 'stack') return serveStack(file);
  const measurement = mode === 'bare' ? await bareParse(file, warmup) : await onStack(file, warmup, mode);
  console.log(JSON.stringify(measurement));
}

/** Runs `work`; with BENCH_PROFILE_DIR set, under the V8 CPU profiler, saved as `<label>-<pid>.cpuprofile`. */
async function profiled<T>(label: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return work();
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(join(dir, `${label}-${process.pid}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Starts the stand-ins in a process of their own (`--child stack`); resolves once they serve. */
function startStackProcess(dataDir: string): Promise<{ stop(): Promise<void> }> {
  return startReadyChild([import.meta.filename, '--child', 'stack', dataDir]);
}

async function bareParse(file: string, warmup: string): Promise<Measurement> {
  const { MailParser } = await import('mailparser');
  const parse = async (path: string): Promise<number> => {
    const parser = new MailParser(PARSER_OPTIONS);
    let attachments = 0;
    parser.on('data', (data: AttachmentStream | { type: 'text' }) => {
      if (data.type !== 'attachment') return;
      attachments++;
      const attachment = data as AttachmentStream;
      attachment.content.on('end', () => attachment.release?.());
      attachment.content.resume();
    });
    const sink = new Writable({ objectMode: true, write: (_chunk, _encoding, done) => done() });
    await pipeline(createReadStream(path), parser, sink);
    return attachments;
  };
  await parse(warmup);
  collectGarbage();
  const startRssMb = process.memoryUsage().rss / MB;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const attachments = await profiled('bare', () => parse(file));
  const ms = performance.now() - started;
  return { mode: 'bare', ms, cpuMs: cpuMsSince(cpu), peakRssMb: peakRssMb(), startRssMb, attachments };
}

/**
 * Runs one mode on a fresh stack: `ingestMessage` on the bytes (ingest, ingest-remote), `ingestStoredMessage` on a
 * stored copy (ingest-stored), or the floor on a stored copy (see the header).
 */
async function onStack(file: string, warmup: string, mode: Exclude<Mode, 'bare'>): Promise<Measurement> {
  const { createLocalContext } = await import('../shared/composition/local.ts');
  const { ingestMessage, ingestStoredMessage } = await import('../shared/use-cases/intake.ts');
  const { readMessage } = await import('../shared/parsing/email.ts');
  const standInsApart = mode !== 'ingest';
  const floor = async (ctx: AppContext, key: string): Promise<string | null> => {
    // Each attachment streamed to the store while it is decoded: no buffer, no hash, no reading, no record.
    const { body } = await ctx.blobs.read(key);
    let index = 0;
    await readMessage(body, async (attachment) => {
      await ctx.blobs.put(`documents/floor-${performance.now()}-${index++}`, attachment.content);
    });
    return null;
  };
  const work = async (ctx: AppContext, raw: Buffer | string): Promise<string | null> => {
    if (typeof raw !== 'string') return (await ingestMessage(ctx, { raw, channel: 'cli' })).submissionId;
    if (mode === 'floor') return floor(ctx, raw);
    return (await ingestStoredMessage(ctx, { key: raw, channel: 'ses' })).submissionId;
  };
  /** The message to work on: its bytes, or (ingest-stored) its key once stored where SES would put it. */
  const input = async (ctx: AppContext, path: string): Promise<Buffer | string> => {
    if (mode !== 'ingest-stored' && mode !== 'floor') return readFile(path);
    const key = `inbox/${performance.now()}.eml`;
    // Streamed from the file: the message must not pass through this process's memory before the measurement.
    const { size } = await stat(path);
    await ctx.blobs.put(key, createReadStream(path), { contentType: 'message/rfc822', length: size });
    return key;
  };
  const dataDir = await mkdtemp(join(tmpdir(), 'intake-bench-stack-'));
  const helper = standInsApart ? await startStackProcess(dataDir) : null;
  const local = await createLocalContext({ dataDir, own: !standInsApart });
  try {
    if (local.owner === standInsApart) throw new Error('the stand-ins are not where the mode says');
    const loadedRssMb = process.memoryUsage().rss / MB;
    await work(local.ctx, await input(local.ctx, warmup));
    const { ctx, storage, busyMs } = timedContext(local.ctx);
    const raw = await input(local.ctx, file);
    collectGarbage();
    const startRssMb = process.memoryUsage().rss / MB;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const submissionId = await profiled(mode, () => work(ctx, raw));
    const ms = performance.now() - started;
    const cpuMs = cpuMsSince(cpu);
    const documents = submissionId
      ? (await local.ctx.records.documents.listBySubmission(submissionId)).length
      : undefined;
    const storageMs = busyMs();
    return { mode, ms, cpuMs, peakRssMb: peakRssMb(), startRssMb, loadedRssMb, documents, storageMs, storage };
  } finally {
    await local.close();
    await helper?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The context with every blob and record call timed (time waiting on the stand-ins, not exclusive). */
function timedContext(ctx: AppContext): {
  ctx: AppContext;
  storage: Record<string, { calls: number; ms: number }>;
  /** Milliseconds so far with at least one call in flight. */
  busyMs(): number;
} {
  const storage: Record<string, { calls: number; ms: number }> = {};
  let inFlight = 0;
  let busySince = 0;
  let busy = 0;
  const timed = <T extends object>(target: T, prefix: string): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          // Blob calls are told apart by key prefix (raw/ or documents/), since the raw put is a stage of its own.
          const area = prefix === 'blobs' && typeof args[0] === 'string' ? ` ${args[0].split('/')[0]}/` : '';
          const name = `${prefix}.${String(key)}${area}`;
          const started = performance.now();
          if (inFlight++ === 0) busySince = started;
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
          } finally {
            if (--inFlight === 0) busy += performance.now() - busySince;
            const entry = storage[name] ?? { calls: 0, ms: 0 };
            storage[name] = entry;
            entry.calls++;
            entry.ms += performance.now() - started;
          }
        };
      },
    });
  return {
    ctx: { ...ctx, blobs: timed(ctx.blobs, 'blobs'), records: timed(ctx.records, 'records') },
    storage,
    busyMs: () => busy,
  };
}

/**
 * A full collection before the measured work, in every mode alike (children run with --expose-gc): what the
 * warm-up and the set-up left behind (in ingest-stored, the copy of the message it put) is not the work's memory.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * A base's full package as it arrives: the report form, the self-assessment, loose photos (incompressible, as
 * JPEGs are) and a zip of evidence folders with GBK names, filled up with photo bytes until the raw message
 * (base64 and all) reaches `targetBytes`.
 */
async function buildSubmission(
  targetBytes: number,
  baseName: string,
): Promise<{ raw: Buffer; files: number; zipMembers: number; decodedBytes: number }> {
  const { default: iconv } = await import('iconv-lite');
  const { receivedHeader } = await import('../tests/fixtures/email.ts');
  const { wellFormedMessage } = await import('../tests/fixtures/quirky-mail.ts');
  const { buildReportFormXlsx, SAMPLE_FORM_VALUES } = await import('../tests/fixtures/report-form.ts');
  const { buildSelfAssessmentPdf } = await import('../tests/fixtures/self-assessment-pdf.ts');
  const { makeZip } = await import('../tests/fixtures/zip.ts');
  const jpegLike = await jpegMaker();
  const form = await buildReportFormXlsx({
    header: { baseName },
    values: SAMPLE_FORM_VALUES,
    layout: 'template',
  });
  const pdf = await buildSelfAssessmentPdf({ baseName });
  // base64 in 76-character lines with CRLF: 78 bytes on the wire per 57 decoded; leave room for headers.
  const decodedBudget = Math.floor(((targetBytes - 64 * 1024) * 57) / 78) - form.length - pdf.length;
  const looseCount = 4;
  const zipCount = 6;
  const photoSize = Math.floor(decodedBudget / 2 / looseCount);
  const zipPhoto = Math.floor(decodedBudget / 2 / zipCount) - 512;
  const loose = Array.from({ length: looseCount }, (_, i) => ({
    fileName: `直播间照片${i + 1}.jpg`,
    content: jpegLike(`${baseName} loose ${i}`, photoSize),
    contentType: 'image/jpeg',
  }));
  const folders = ['证明材料/直播间照片', '证明材料/培训照片', '证明材料/宣传报道'];
  const members = Array.from({ length: zipCount }, (_, i) => ({
    name: iconv.encode(`${folders[i % folders.length]}/照片${i + 1}.jpg`, 'gbk'),
    content: jpegLike(`${baseName} zip ${i}`, zipPhoto),
    // Zip tools deflate JPEGs too; it gains nothing on such bytes.
    method: 'deflate' as const,
  }));
  const zip = makeZip([{ name: iconv.encode('证明材料/', 'gbk') }, ...members]);
  const attachments = [
    { fileName: `${baseName}经营服务情况报告表.xlsx`, content: form, contentType: XLSX },
    { fileName: `${baseName}自评报告.pdf`, content: pdf, contentType: 'application/pdf' },
    ...loose,
    { fileName: '证明材料.zip', content: zip, contentType: 'application/zip' },
  ];
  const message = wellFormedMessage({
    subject: `【申报材料】${baseName}2022-2023年度综合评价材料`,
    messageId: `<bench-${targetBytes}-${encodeURIComponent(baseName).slice(0, 24)}@example.cn>`,
    headersOnTop: [receivedHeader(new Date('2023-11-08T02:00:00Z'))],
    attachments,
  });
  return {
    raw: message.raw,
    files: attachments.length,
    zipMembers: members.length,
    decodedBytes: attachments.reduce((sum, a) => sum + a.content.length, 0),
  };
}

/** JPEG markers around incompressible bytes: photos neither compress nor parse as anything else. */
async function jpegMaker(): Promise<(label: string, size: number) => Buffer> {
  const { sampleBytes } = await import('../tests/fixtures/quirky-mail.ts');
  return (label, size) => {
    const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
    return Buffer.concat([head, sampleBytes(label, size - head.length - 2), Buffer.from([0xff, 0xd9])]);
  };
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (process.argv.includes('--batch')) {
  // The batch benchmark (scripts/bench-batch.ts): a round of messages through the CLI beside the bare libraries.
  process.exitCode = await (await import('./bench-batch.ts')).benchBatch();
} else if (process.argv.includes('--scale')) {
  // Status at scale (scripts/bench-scale.ts): one city's status in a 2,000-base round and in one ten times smaller.
  process.exitCode = await (await import('./bench-scale.ts')).benchScale();
} else if (process.argv.includes('--ocr')) {
  // The OCR benchmark (scripts/bench-ocr.ts): accuracy, s/page and peak RSS, beside Debian's tesseract.
  process.exitCode = await (await import('./bench-ocr.ts')).benchOcr(process.argv.slice(2));
} else if (process.argv[2] === '--child')
  await child(process.argv[3] as Mode | 'stack', process.argv[4] ?? '', process.argv[5] ?? '');
else await main();
