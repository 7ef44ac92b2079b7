/**
 * A progress bar for long commands (batch ingest, export), drawn on stderr so that stdout stays clean for results
 * and `--json`. It draws only on a terminal: in a pipe, a log file or CI it prints nothing.
 */

/** A progress bar that can also print result lines without tearing. */
export interface Progress {
  /** Moves the bar to `done` of its total (or of a new `total`), showing what is being worked on. */
  update(done: number, detail?: string, total?: number): void;
  /** Prints a line to stdout above the bar. */
  log(line: string): void;
  /** Removes the bar. */
  finish(): void;
}

const WIDTH = 24;

/** Where the bar is drawn (stderr, or a stand-in in tests). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A bar labelled `label` counting to `total`; silent unless `stream` is a terminal (or `force`). */
export function progressBar(
  label: string,
  total: number,
  options: { stream?: ProgressStream; force?: boolean; out?: (line: string) => void } = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const active = options.force ?? Boolean(stream.isTTY);
  let last = '';
  let count = total;
  const clear = () => {
    if (active && last) stream.write('\r\x1b[K');
  };
  const draw = () => {
    if (active && last) stream.write(last);
  };
  return {
    update(done, detail, newTotal) {
      if (!active) return;
      if (newTotal !== undefined) count = newTotal;
      const ratio = count > 0 ? Math.min(1, done / count) : 1;
      const filled = Math.round(ratio * WIDTH);
      const columns = stream.columns ?? 100;
      const text = `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${count}${detail ? ` ${detail}` : ''}`;
      clear();
      last = text.length > columns - 1 ? `${text.slice(0, columns - 2)}…` : text;
      draw();
    },
    log(line) {
      clear();
      out(line);
      draw();
    },
    finish() {
      clear();
      last = '';
    },
  };
}
