/**
 * Runs the file parsers in a worker thread under a budget they cannot escape (limits.ts): a heap limit
 * (`resourceLimits`), a watch on the process's resident memory (inflated PDF streams and zip parts are ArrayBuffers,
 * outside the heap limit) and a wall-clock deadline. A parse that overruns is ended by terminating the worker —
 * whatever it was doing, pdf.js in a tight loop included — and comes back as a breach, never as an exception; the
 * next parse gets a fresh worker. Parsing never blocks the event loop that receives mail and answers staff.
 *
 * One worker, one task at a time: the budget is measured per parse, and parsing is a small part of intake (most
 * files are only stored). The worker ends after `idleMs` without work and never keeps the process alive.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { type ParserBudget, parserBudget } from './limits.ts';
import type { TaskInput, TaskName, TaskOutput } from './tasks.ts';
import type { TaskRequest, WorkerMessage } from './worker.ts';

/** How a parse ended when it did not finish: over its memory, over its time, or the parser failed. */
export type Breach = 'memory' | 'time' | 'crash';

export type SandboxOutcome<T> =
  | { ok: true; output: T; elapsedMs: number }
  | { ok: false; breach: Breach; detail: string; elapsedMs: number; budget: ParserBudget };

const MiB = 1024 * 1024;
/** How often the watch looks at memory and the clock. */
const WATCH_INTERVAL_MS = 20;
/**
 * Heap the worker's own code takes (pdf.js, exceljs, SheetJS compiled; more when tsx compiles the sources), on top
 * of a task's budget in its heap limit. The budget itself is held by the resident-memory watch.
 */
const CODE_HEAP_MB = 256;
/** A worker that has not loaded its parsers by then is taken for broken. */
const START_TIMEOUT_MS = 60_000;

type WorkerScript = { file: string; workerData?: { entry: string } };

/**
 * The worker's script: a compiled copy beside the bundle (Lambda, dist/cli); from the TypeScript sources (tests,
 * tsx), a bundle esbuild makes once per process into node_modules/.cache (starting the worker through tsx compiles
 * every module in the thread: 10 s and more on a busy machine); tsx itself when esbuild is not installed.
 */
function workerScript(): Promise<WorkerScript | null> {
  const configured = process.env.INTAKE_PARSE_WORKER;
  if (configured) return Promise.resolve({ file: configured });
  sourceBuild ??= findWorkerScript();
  return sourceBuild;
}

let sourceBuild: Promise<WorkerScript | null> | undefined;

async function findWorkerScript(): Promise<WorkerScript | null> {
  const here = import.meta.url;
  // Lambda bundles: beside index.mjs; dist/cli: beside main.js, or one level up from a chunk.
  for (const name of ['./parse-worker.mjs', './parse-worker.js', '../parse-worker.js']) {
    const file = fileURLToPath(new URL(name, here));
    if (existsSync(file)) return { file };
  }
  const source = new URL('./worker.ts', here);
  if (!existsSync(fileURLToPath(source))) return null;
  const built = await buildFromSources(fileURLToPath(source)).catch(() => null);
  if (built) return { file: built };
  return { file: fileURLToPath(new URL('./boot-source.mjs', here)), workerData: { entry: source.href } };
}

/**
 * Bundles the worker's sources (npm packages left to node_modules) into node_modules/.cache/intake-parse-worker/,
 * named by a hash of the output so that concurrent processes share one file and an edit makes a new one.
 */
async function buildFromSources(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild gave no output');
  const folder = join(root, 'node_modules', '.cache', 'intake-parse-worker');
  const file = join(folder, `parse-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    await mkdir(folder, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, code);
    await rename(partial, file);
  }
  return file;
}

/**
 * Resident memory not held by this thread's JavaScript: the process's RSS less this thread's heap and external
 * memory (Buffers of attachments being read), which `process.memoryUsage()` reports per thread. What grows here while
 * a parse runs is the worker's — not the intake's own work on other messages meanwhile (20 deliveries at once
 * must not end an innocent parse).
 */
function outsideThisThread(): number {
  const usage = process.memoryUsage();
  return usage.rss - usage.heapTotal - usage.external;
}

interface Running {
  worker: Worker;
  ready: Promise<void>;
}

class ParserPool {
  private current: Running | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | null = null;
  private sequence = 0;

  run<T extends TaskName>(
    task: T,
    input: TaskInput<T>,
    transfer: ArrayBuffer[],
    budget: ParserBudget,
  ): Promise<SandboxOutcome<TaskOutput<T>>> {
    const next = this.queue.then(() => this.runNow(task, input, transfer, budget));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Ends the worker now (tests, shutdown). */
  async close(): Promise<void> {
    const running = this.current;
    this.current = null;
    if (running) await running.worker.terminate();
  }

  private start(script: WorkerScript, budget: ParserBudget): Running {
    const worker = new Worker(script.file, {
      workerData: script.workerData,
      // Parsers read INTAKE_* settings (OCR mode, tesseract paths) as the process has them now.
      env: SHARE_ENV,
      resourceLimits: { maxOldGenerationSizeMb: budget.memoryMb + CODE_HEAP_MB, maxYoungGenerationSizeMb: 32 },
      stdout: false,
      stderr: false,
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('parser worker did not start')), START_TIMEOUT_MS);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', settle).off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      const onMessage = (message: WorkerMessage) => message.type === 'ready' && settle();
      const onExit = (code: number) => settle(new Error(`parser worker exited (${code}) while starting`));
      worker.on('message', onMessage).on('error', settle).on('exit', onExit);
    });
    ready.catch(() => undefined);
    const running = { worker, ready };
    // A worker that fails or ends between tasks (a parser's late rejection) is replaced by the next task, and never
    // takes the process down with an unheard 'error' event.
    worker
      .on('error', () => undefined)
      .on('exit', () => {
        if (this.current === running) this.current = null;
      });
    return running;
  }

  private discard(running: Running): void {
    if (this.current === running) this.current = null;
    void running.worker.terminate();
  }

  private async runNow<T extends TaskName>(
    task: T,
    input: TaskInput<T>,
    transfer: ArrayBuffer[],
    budget: ParserBudget,
  ): Promise<SandboxOutcome<TaskOutput<T>>> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const began = Date.now();
    const script = await workerScript();
    if (!script) {
      return { ok: false, breach: 'crash', detail: 'parser worker script not found', elapsedMs: 0, budget };
    }
    let running = this.current;
    if (!running) {
      running = this.start(script, budget);
      this.current = running;
    }
    running.worker.ref();
    try {
      await running.ready;
    } catch (error) {
      this.discard(running);
      return { ok: false, breach: 'crash', detail: String(error), elapsedMs: Date.now() - began, budget };
    }
    const outcome = await this.watch(running, task, input, transfer, budget);
    if (process.env.INTAKE_PARSER_DEBUG) {
      console.error(
        `[parser] ${task} ${outcome.ok ? 'ok' : outcome.breach} ${outcome.elapsedMs} ms (waited ${Date.now() - began - outcome.elapsedMs} ms)`,
      );
    }
    if (this.current === running) {
      running.worker.unref();
      this.idleTimer = setTimeout(() => {
        if (this.current === running) this.discard(running);
      }, budget.idleMs);
      this.idleTimer.unref();
    }
    return outcome;
  }

  private watch<T extends TaskName>(
    running: Running,
    task: T,
    input: TaskInput<T>,
    transfer: ArrayBuffer[],
    budget: ParserBudget,
  ): Promise<SandboxOutcome<TaskOutput<T>>> {
    const { worker } = running;
    const id = ++this.sequence;
    const began = Date.now();
    const startRss = outsideThisThread();
    let memoryLimit = budget.memoryMb * MiB;
    let deadline = began + budget.timeMs;
    return new Promise((resolve) => {
      const finish = (outcome: SandboxOutcome<TaskOutput<T>>) => {
        clearInterval(tick);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        resolve(outcome);
      };
      const breach = (kind: Breach, detail: string) => {
        this.discard(running);
        finish({ ok: false, breach: kind, detail, elapsedMs: Date.now() - began, budget });
      };
      const tick = setInterval(() => {
        const grown = outsideThisThread() - startRss;
        if (grown > memoryLimit) breach('memory', `resident memory grew by ${Math.round(grown / MiB)} MiB`);
        else if (Date.now() > deadline) breach('time', `still reading after ${Date.now() - began} ms`);
      }, WATCH_INTERVAL_MS);
      const onMessage = (message: WorkerMessage) => {
        if (!('id' in message) || message.id !== id) return;
        if (message.type === 'ocr') {
          deadline = Date.now() + budget.ocrTimeMs;
          memoryLimit = Math.max(budget.memoryMb, budget.ocrMemoryMb) * MiB;
        } else if (message.type === 'done') {
          finish({ ok: true, output: message.output as TaskOutput<T>, elapsedMs: Date.now() - began });
        } else if (message.type === 'failed') {
          finish({ ok: false, breach: 'crash', detail: message.message, elapsedMs: Date.now() - began, budget });
        }
      };
      const onError = (error: Error & { code?: string }) =>
        breach(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', error.message);
      const onExit = (code: number) => breach('crash', `parser worker exited (${code})`);
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ id, task, input } satisfies TaskRequest, transfer);
    });
  }
}

const pool = new ParserPool();

/**
 * Runs a parser task within the budget (the process's default unless given). The bytes are copied for the worker
 * (the caller keeps its own).
 */
export function runParser<T extends TaskName>(
  task: T,
  input: TaskInput<T>,
  budget: ParserBudget = parserBudget(),
): Promise<SandboxOutcome<TaskOutput<T>>> {
  const data = (input as { data?: Uint8Array }).data;
  return pool.run(task, input, data ? [data.buffer as ArrayBuffer] : [], budget);
}

/** Ends the parser worker (it also ends by itself when idle). */
export function closeParserWorker(): Promise<void> {
  return pool.close();
}
