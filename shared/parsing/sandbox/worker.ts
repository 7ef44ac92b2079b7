/**
 * The parser worker's entry: runs one task at a time from `tasks.ts` and answers with its result. Started by
 * `pool.ts` with a heap limit; ended by it when a task overruns its time or memory. Built as its own file beside
 * every bundle that reads files (`parse-worker.mjs`, see scripts/build-cli.mjs and infra/bundling.ts).
 */
import { parentPort } from 'node:worker_threads';
import { parserTasks, type TaskName, warmUp } from './tasks.ts';

/** A request from the pool. */
export interface TaskRequest {
  id: number;
  task: TaskName;
  input: unknown;
}

/** What the worker sends back. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'ocr'; id: number }
  | { type: 'done'; id: number; output: unknown }
  | { type: 'failed'; id: number; message: string };

const port = parentPort;
if (port) {
  port.on('message', (request: TaskRequest) => {
    const send = (message: WorkerMessage) => port.postMessage(message);
    const run = parserTasks[request.task] as (input: unknown, ocrStarted: () => void) => Promise<unknown>;
    run(request.input, () => send({ type: 'ocr', id: request.id })).then(
      (output) => send({ type: 'done', id: request.id, output }),
      (error: unknown) =>
        send({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) }),
    );
  });
  // Ready once the parsers' lazily loaded code is in: a task's budget is then spent on its own file.
  await warmUp();
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}
