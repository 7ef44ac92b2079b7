/**
 * The embedded stand-ins in a process of their own, for the benchmarks: what they cost in memory and CPU is then not
 * counted against the process being measured.
 */
import { spawn } from 'node:child_process';

/** Serves the stand-ins on `dataDir`, announced in its stack file, prints `ready`, and stops when stdin ends. */
export async function serveStack(dataDir: string): Promise<void> {
  const { startEmbeddedStack } = await import('../shared/adapters/local/embedded-stack.ts');
  const { writeStackFile } = await import('../shared/composition/local.ts');
  const stack = await startEmbeddedStack({ dataDir });
  await writeStackFile(dataDir, stack.endpoints);
  console.log('ready');
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  await stack.close();
}

/** Runs `node <args>` and resolves once it prints `ready`, with a way to stop it (its stdin is closed). */
export function startReadyChild(args: string[]): Promise<{ stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.once('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('ready')) return;
      resolve({
        async stop() {
          child.stdin.end();
          await exited;
        },
      });
    });
  });
}
