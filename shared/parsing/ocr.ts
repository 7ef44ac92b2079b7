/**
 * OCR of scanned (image-only) PDFs: pages are rendered with pdf.js onto `@napi-rs/canvas` (pdf-parse's
 * `getScreenshot`) and read by tesseract.js (Tesseract compiled to WebAssembly, in worker threads) with the
 * simplified-Chinese model of the npm package `@tesseract.js-data/chi_sim`. Both come from the npm registry, so the
 * same code reads a scan on a laptop, in CI and in the `ocr` Lambda (whose asset carries those packages); nothing is
 * downloaded at run time: the worker is pointed at the model file in `node_modules` and writes no cache.
 *
 * Work is bounded: pages read (OCR_MAX_PAGES), time per page (a worker that overruns it is terminated and the page
 * counted as failed), pages at once (OCR_CONCURRENCY workers). Where OCR cannot run it reports itself
 * `unavailable`, and the caller keeps its "needs manual review" finding. A runtime that leaves OCR to another
 * function (`configureOcr({ mode: 'deferred' })`, the ingest and API Lambdas) gets `deferred` without any work.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IntakeError } from '../domain/errors.ts';

/** Pages read by OCR at most: the cover and 一、基地概况 (with the figures) come first in every report. */
export const OCR_MAX_PAGES = 10;
/** One page's recognition is stopped after this long (a dense A4 page takes 1-3 s on one core). */
export const OCR_PAGE_TIMEOUT_MS = 30_000;
/** Starting a worker (WebAssembly core and a 19 MB gzipped model) is stopped after this long. */
export const OCR_WORKER_START_TIMEOUT_MS = 60_000;
/** Render width: A4 at about 150 dpi, which chi_sim reads well for body text while keeping pages fast. */
export const OCR_PAGE_WIDTH_PX = 1240;
/** Pages recognised at once: one worker thread each (~350 MB apiece with the model). */
export const OCR_CONCURRENCY = 2;
/** The tesseract language: simplified Chinese (its model reads digits and Latin letters too). */
export const OCR_LANGUAGE = 'chi_sim';
/**
 * The model folder inside `@tesseract.js-data/chi_sim`: `4.0.0` (tessdata, 19.2 MiB gzipped) and `4.0.0_best_int`
 * (1.6 MiB) both read 99.4 % of the characters of the generated scan, but best_int takes 3.8 s a page against 1.7 s
 * (`npm run bench -- --ocr`, 2-core machine): speed decides.
 */
export const OCR_MODEL_VARIANT = '4.0.0';

/** The finding on a scan whose OCR was left to the ocr function (self-assessment and report form alike). */
export const OCR_PENDING_CODE = 'document.ocr-pending';

/**
 * The tesseract.js-core builds a worker may load, by the CPU's WebAssembly features (plain, SIMD, relaxed SIMD).
 * tesseract.js 7.0.0 passes its `lstmOnly` flag where `getCore` expects an OEM, so it loads the full builds, not
 * the `-lstm` ones (which it would pick for our LSTM-only engine mode): the ocr function's asset ships these.
 */
export const OCR_CORE_BUILDS = ['tesseract-core', 'tesseract-core-simd', 'tesseract-core-relaxedsimd'] as const;

/** How a runtime treats scans: read them here, leave them to the ocr function, or not at all. */
export type OcrMode = 'inline' | 'deferred' | 'off';

/** Settings of one OCR run; the defaults are the constants above and the process's `configureOcr`. */
export interface OcrOptions {
  /** Overrides the process's mode for this run. */
  mode?: OcrMode;
  maxPages?: number;
  pageTimeoutMs?: number;
  pageWidthPx?: number;
  /** Workers (pages recognised at once). */
  concurrency?: number;
  /** Folder holding `chi_sim.traineddata.gz` (default: the npm package's). */
  langPath?: string;
  /** Options passed to pdf.js when rendering (CMaps, standard fonts). */
  pdf?: Record<string, unknown>;
  /** Another page reader (tests: a stand-in); default tesseract.js. */
  engine?: OcrEngine;
  /** The outcome of a run made already (the ocr function stores the text first): returned as it is. */
  recognised?: OcrOutcome;
  /**
   * Told when recognition really starts (the engine is there and pages are about to be rendered): the parser
   * sandbox then gives the run the OCR time budget instead of the reading one.
   */
  onStart?: () => void;
}

/** Reads the text of page images; one instance per run, closed at its end. */
export interface OcrEngine {
  /** Recognises one PNG page; rejects on failure or when `timeoutMs` passes (the page's work is then stopped). */
  recognise(png: Buffer, timeoutMs: number): Promise<string>;
  /** Ends every worker. */
  close(): Promise<void>;
}

/** What OCR of a PDF gave. */
export type OcrOutcome =
  | {
      kind: 'ok';
      /** Recognised text per page read, in order (empty for a page that failed or timed out). */
      pages: string[];
      /** Pages in the document. */
      total: number;
      /** Pages whose recognition failed or timed out. */
      failedPages: number[];
      /** Pages stopped by the per-page timeout (also in failedPages). */
      timedOutPages: number[];
    }
  | { kind: 'unavailable' | 'failed' | 'deferred'; detail: string };

const settings: { mode: OcrMode } = { mode: modeFromEnv(process.env.INTAKE_OCR) };

/**
 * Sets how this process treats scans (composition roots: `deferred` in the ingest and API Lambdas, whose scans go to
 * the ocr function). `INTAKE_OCR=inline|deferred|off` sets the same from the environment.
 */
export function configureOcr(next: { mode: OcrMode }): void {
  settings.mode = next.mode;
}

/** The process's OCR mode. */
export function ocrMode(): OcrMode {
  return settings.mode;
}

function modeFromEnv(value: string | undefined): OcrMode {
  return value === 'deferred' || value === 'off' ? value : 'inline';
}

const require = createRequire(import.meta.url);

/** Where the model is: the folder of `chi_sim.traineddata.gz` in `@tesseract.js-data/chi_sim`, or null. */
export function ocrModelPath(): string | null {
  try {
    const folder = join(dirname(require.resolve('@tesseract.js-data/chi_sim/package.json')), OCR_MODEL_VARIANT);
    return existsSync(join(folder, `${OCR_LANGUAGE}.traineddata.gz`)) ? folder : null;
  } catch {
    return null;
  }
}

/**
 * Whether OCR can run here: tesseract.js, its core builds and the model are installed (page rendering is proved
 * per run). A core build missing would make the worker thread throw where no one catches it, ending the process:
 * so it is checked here, before any worker starts.
 */
export async function ocrAvailable(): Promise<{ ok: boolean; detail: string }> {
  const langPath = ocrModelPath();
  if (!langPath) return { ok: false, detail: 'no @tesseract.js-data/chi_sim model (npm install)' };
  try {
    await loadTesseract();
    const core = dirname(require.resolve('tesseract.js-core/package.json'));
    const missing = OCR_CORE_BUILDS.flatMap((build) => [`${build}.js`, `${build}.wasm`]).filter(
      (file) => !existsSync(join(core, file)),
    );
    if (missing.length > 0) return { ok: false, detail: `tesseract.js-core lacks ${missing.join(', ')}` };
    return { ok: true, detail: `tesseract.js ${OCR_LANGUAGE} (${langPath})` };
  } catch (error) {
    return { ok: false, detail: `tesseract.js not usable: ${describe(error)}` };
  }
}

/** Recognises the text of the first pages of a PDF; never throws. */
export async function ocrPdf(data: Buffer, options: OcrOptions = {}): Promise<OcrOutcome> {
  if (options.recognised) return options.recognised;
  const mode = options.mode ?? settings.mode;
  if (mode === 'off') return { kind: 'unavailable', detail: 'OCR turned off here' };
  if (mode === 'deferred') return { kind: 'deferred', detail: 'OCR left to the ocr function' };
  let engine = options.engine;
  if (!engine) {
    const available = await ocrAvailable();
    if (!available.ok) return { kind: 'unavailable', detail: available.detail };
  }
  options.onStart?.();
  const maxPages = Math.max(1, Math.floor(options.maxPages ?? OCR_MAX_PAGES));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? OCR_CONCURRENCY));
  const pageTimeoutMs = options.pageTimeoutMs ?? OCR_PAGE_TIMEOUT_MS;
  // pdf.js loads when a scan is met, not when a reader that may meet one is imported.
  const { PDFParse, VerbosityLevel } = await import('pdf-parse');
  const parser = new PDFParse({
    data: new Uint8Array(data),
    verbosity: VerbosityLevel.ERRORS,
    ...(options.pdf ?? {}),
  });
  const texts: string[] = [];
  const failedPages: number[] = [];
  const timedOutPages: number[] = [];
  try {
    let total: number;
    let first: Uint8Array;
    try {
      // The first render also proves the canvas binding is there.
      const shot = await parser.getScreenshot(renderParams(1, options));
      total = shot.total;
      first = shot.pages[0]?.data ?? new Uint8Array();
    } catch (error) {
      return { kind: 'unavailable', detail: `pages cannot be rendered: ${describe(error)}` };
    }
    engine ??= tesseractEngine(options.langPath ?? (ocrModelPath() as string), concurrency);
    const count = Math.min(total, maxPages);
    const running = new Set<Promise<void>>();
    for (let page = 1; page <= count; page++) {
      let image: Uint8Array;
      try {
        image =
          page === 1 ? first : ((await parser.getScreenshot(renderParams(page, options))).pages[0]?.data ?? first);
      } catch {
        failedPages.push(page);
        texts[page - 1] = '';
        continue;
      }
      const job: Promise<void> = engine
        .recognise(Buffer.from(image), pageTimeoutMs)
        .then(
          (text) => {
            texts[page - 1] = tidyOcrText(text);
          },
          (error: unknown) => {
            failedPages.push(page);
            if (error instanceof OcrTimeoutError) timedOutPages.push(page);
            texts[page - 1] = '';
          },
        )
        .finally(() => running.delete(job));
      running.add(job);
      if (running.size >= concurrency) await Promise.race(running);
    }
    await Promise.all(running);
    if (count > 0 && failedPages.length === count) {
      const why = timedOutPages.length === count ? `timed out (${pageTimeoutMs} ms a page)` : 'failed';
      return { kind: 'failed', detail: `OCR ${why} on all ${count} page(s)` };
    }
    return {
      kind: 'ok',
      pages: texts.slice(0, count),
      total,
      failedPages: failedPages.sort((a, b) => a - b),
      timedOutPages: timedOutPages.sort((a, b) => a - b),
    };
  } catch (error) {
    return { kind: 'failed', detail: describe(error) };
  } finally {
    await engine?.close().catch(() => undefined);
    await Promise.race([parser.destroy().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  }
}

function renderParams(page: number, options: OcrOptions) {
  return {
    partial: [page],
    desiredWidth: options.pageWidthPx ?? OCR_PAGE_WIDTH_PX,
    imageBuffer: true,
    imageDataUrl: false,
  };
}

/** A page that took longer than its time: its worker was terminated. */
export class OcrTimeoutError extends IntakeError {
  constructor(readonly timeoutMs: number) {
    super(
      'ocr.timeout',
      'failure',
      `OCR of a page took longer than ${timeoutMs} ms; its worker was terminated`,
      `一页文字识别超过${Math.round(timeoutMs / 1000)}秒，已停止`,
    );
    this.name = 'OcrTimeoutError';
  }
}

interface TesseractWorker {
  recognize(image: Buffer): Promise<{ data: { text: string } }>;
  terminate(): Promise<unknown>;
}
interface TesseractModule {
  createWorker(
    langs: string,
    oem: number,
    options: Record<string, unknown>,
    config?: Record<string, unknown>,
  ): Promise<TesseractWorker>;
  OEM: { LSTM_ONLY: number };
}

let tesseract: Promise<TesseractModule> | null = null;

/** tesseract.js, loaded on first use (a CommonJS package: a bundle that leaves it out fails here, not at start). */
function loadTesseract(): Promise<TesseractModule> {
  tesseract ??= Promise.resolve().then(() => require('tesseract.js') as TesseractModule);
  tesseract.catch(() => {
    tesseract = null;
  });
  return tesseract;
}

/**
 * tesseract.js with up to `size` workers, started when first needed and reused page after page. A page that overruns
 * its time terminates its worker (WebAssembly cannot be interrupted otherwise); the next page starts a new one.
 */
export function tesseractEngine(langPath: string, size = OCR_CONCURRENCY): OcrEngine {
  const idle: TesseractWorker[] = [];
  const all = new Set<TesseractWorker>();
  let closed = false;
  const start = async (): Promise<TesseractWorker> => {
    const { createWorker, OEM } = await loadTesseract();
    // cacheMethod none: the model is read from langPath and never written anywhere (Lambda's code folder is
    // read-only, and a cache in the working directory would be a surprise).
    let abandoned = false;
    const starting = createWorker(OCR_LANGUAGE, OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
    // A worker that comes up after its start timed out is ended at once.
    starting.then(
      (late) => abandoned && void late.terminate().catch(() => undefined),
      () => undefined,
    );
    const worker = await withTimeout(starting, OCR_WORKER_START_TIMEOUT_MS, () => {
      abandoned = true;
    });
    if (closed) {
      await worker.terminate().catch(() => undefined);
      throw new Error('OCR engine closed');
    }
    all.add(worker);
    return worker;
  };
  return {
    async recognise(png, timeoutMs) {
      if (closed) throw new Error('OCR engine closed');
      if (all.size >= size && idle.length === 0) throw new Error('more pages at once than workers');
      const worker = idle.pop() ?? (await start());
      try {
        const result = await withTimeout(worker.recognize(png), timeoutMs, () => {
          all.delete(worker);
          void worker.terminate().catch(() => undefined);
        });
        idle.push(worker);
        return result.data.text;
      } catch (error) {
        if (!(error instanceof OcrTimeoutError)) idle.push(worker);
        throw error;
      }
    },
    async close() {
      closed = true;
      const workers = [...all];
      all.clear();
      idle.length = 0;
      await Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
    },
  };
}

/** Resolves or rejects as `work` does, or rejects with OcrTimeoutError after `ms`, calling `onTimeout` then. */
function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new OcrTimeoutError(ms));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Removes the spaces tesseract sets between CJK characters and around full-width punctuation. */
export function tidyOcrText(text: string): string {
  const wide = '\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef（）()';
  return text
    .replace(/\f/g, '\n')
    .replace(new RegExp(`(?<=[${wide}])[ \\t]+|[ \\t]+(?=[${wide}])`, 'g'), '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);
}
