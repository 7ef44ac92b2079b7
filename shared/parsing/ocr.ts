/**
 * OCR of scanned (image-only) PDFs: pages are rendered with pdf.js onto `@napi-rs/canvas` (pdf-parse's
 * `getScreenshot`) and read by the `tesseract` command with Debian's simplified-Chinese model (`chi_sim`). Both
 * are optional: where either is missing (a Lambda bundle, a machine without tesseract-ocr-chi-sim) OCR reports
 * itself unavailable and the caller keeps its "needs manual review" finding. Work is bounded by a page count and
 * a per-page timeout.
 */
import { spawn } from 'node:child_process';
import { PDFParse, VerbosityLevel } from 'pdf-parse';

/** Pages read by OCR at most: the cover and 一、基地概况 (with the figures) come first in every report. */
export const OCR_MAX_PAGES = 10;
/** One page's recognition is stopped after this long (a dense A4 page takes 2-6 s on one core). */
export const OCR_PAGE_TIMEOUT_MS = 30_000;
/** Render width: A4 at about 150 dpi, which chi_sim reads well for body text while keeping pages fast. */
export const OCR_PAGE_WIDTH_PX = 1240;
/** Pages recognised at once; each tesseract runs single-threaded, which is faster per page than its own threads. */
export const OCR_CONCURRENCY = 2;
/** Cap on what one page may print (a page of text is a few KB). */
const MAX_PAGE_OUTPUT_BYTES = 1024 * 1024;
/** How long the availability probe (`tesseract --list-langs`) may take. */
const PROBE_TIMEOUT_MS = 5_000;

/** Settings of one OCR run; the defaults are the constants above. */
export interface OcrOptions {
  /** The tesseract executable (default `tesseract` on the PATH). */
  command?: string;
  /** Tesseract language(s), e.g. `chi_sim` or `chi_sim+eng`. */
  language?: string;
  maxPages?: number;
  pageTimeoutMs?: number;
  pageWidthPx?: number;
  /** Options passed to pdf.js when rendering (CMaps, standard fonts). */
  pdf?: Record<string, unknown>;
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
    }
  | { kind: 'unavailable' | 'failed'; detail: string };

const probes = new Map<string, Promise<{ ok: boolean; detail: string }>>();

/** Whether `command` runs and has `language` installed; probed once per process and command. */
export function ocrAvailable(command = 'tesseract', language = 'chi_sim'): Promise<{ ok: boolean; detail: string }> {
  const key = `${command}\n${language}`;
  let probe = probes.get(key);
  if (!probe) {
    // Tesseract 3 printed the list on stderr, later versions on stdout: both are read.
    probe = run(command, ['--list-langs'], undefined, PROBE_TIMEOUT_MS, true).then(
      (output) => {
        const installed = new Set(output.split(/\r?\n/).map((line) => line.trim()));
        const missing = language.split('+').filter((lang) => !installed.has(lang));
        return missing.length === 0
          ? { ok: true, detail: `${command}: ${language}` }
          : { ok: false, detail: `${command} has no ${missing.join(', ')} model (install tesseract-ocr-chi-sim)` };
      },
      (error: unknown) => ({ ok: false, detail: `${command} not usable: ${describe(error)}` }),
    );
    probes.set(key, probe);
  }
  return probe;
}

/** Recognises the text of the first pages of a PDF; never throws. */
export async function ocrPdf(data: Buffer, options: OcrOptions = {}): Promise<OcrOutcome> {
  const command = options.command ?? 'tesseract';
  const language = options.language ?? 'chi_sim';
  const available = await ocrAvailable(command, language);
  if (!available.ok) return { kind: 'unavailable', detail: available.detail };

  const maxPages = Math.max(1, Math.floor(options.maxPages ?? OCR_MAX_PAGES));
  const parser = new PDFParse({
    data: new Uint8Array(data),
    verbosity: VerbosityLevel.ERRORS,
    ...(options.pdf ?? {}),
  });
  const texts: string[] = [];
  const failedPages: number[] = [];
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
      const job: Promise<void> = recognise(Buffer.from(image), command, language, options.pageTimeoutMs)
        .then(
          (text) => {
            texts[page - 1] = text;
          },
          () => {
            failedPages.push(page);
            texts[page - 1] = '';
          },
        )
        .finally(() => running.delete(job));
      running.add(job);
      if (running.size >= OCR_CONCURRENCY) await Promise.race(running);
    }
    await Promise.all(running);
    if (count > 0 && failedPages.length === count) {
      return { kind: 'failed', detail: `tesseract failed on all ${count} page(s)` };
    }
    return { kind: 'ok', pages: texts.slice(0, count), total, failedPages: failedPages.sort((a, b) => a - b) };
  } catch (error) {
    return { kind: 'failed', detail: describe(error) };
  } finally {
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

/** Runs tesseract on one PNG image; the text comes back with the spaces it puts between Chinese characters removed. */
export async function recognise(
  image: Buffer,
  command = 'tesseract',
  language = 'chi_sim',
  timeoutMs = OCR_PAGE_TIMEOUT_MS,
): Promise<string> {
  const output = await run(command, ['-', '-', '-l', language], image, timeoutMs);
  return tidyOcrText(output);
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

/**
 * Runs a command with `input` on stdin; resolves with stdout (and stderr when asked), rejects on failure, a
 * non-zero exit or the timeout.
 */
function run(
  command: string,
  args: string[],
  input: Buffer | undefined,
  timeoutMs: number,
  withStderr = false,
): Promise<string> {
  return new Promise((resolve, reject) => {
    // One thread per tesseract: with OCR_CONCURRENCY pages at once, its own threads only contend.
    const child = spawn(command, args, {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let settled = false;
    const finish = (error: Error | null, value = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`${command} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => finish(error));
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAGE_OUTPUT_BYTES) {
        child.kill('SIGKILL');
        finish(new Error(`${command} printed more than ${MAX_PAGE_OUTPUT_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString('utf8');
    });
    child.on('close', (code) => {
      if (code === 0) finish(null, `${Buffer.concat(chunks).toString('utf8')}${withStderr ? `\n${stderr}` : ''}`);
      else finish(new Error(`${command} exited with ${code}: ${stderr.trim().slice(0, 300)}`));
    });
    // A command that dies before reading its input closes the pipe: that is reported by 'close', not thrown here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);
}
