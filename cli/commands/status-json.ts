/**
 * `intake status --json`'s text, written a base at a time: exactly what `JSON.stringify(report, null, 2)` writes,
 * without holding it whole (a round of 2,000 bases is tens of megabytes of text).
 */
import type { StatusReport } from '../../shared/use-cases/query.ts';

/** `text` with every line after the first indented by `pad`. */
function indented(text: string, pad: string): string {
  return text.replaceAll('\n', `\n${pad}`);
}

/** The pieces of `JSON.stringify(report, null, 2)`, in order. */
export function* statusJsonChunks(report: StatusReport): Generator<string> {
  const entries = Object.entries(report).filter(([, value]) => value !== undefined);
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (const [index, [key, value]] of entries.entries()) {
    const comma = index < entries.length - 1 ? ',' : '';
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (const [at, item] of value.entries()) {
        yield `    ${indented(JSON.stringify(item, null, 2), '    ')}${at < value.length - 1 ? ',' : ''}\n`;
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indented(JSON.stringify(value, null, 2), '  ')}${comma}\n`;
    }
  }
  yield '}';
}
