/**
 * The walls between layers, checked by reading every import (static and dynamic) of the project's sources:
 * - `shared/domain` imports nothing of ours but itself (zod and the like are fine);
 * - `shared/parsing` imports only the domain and itself (never a use case);
 * - `shared/ports` imports only the domain;
 * - a use case imports the domain, parsing, ports and other use cases — never an adapter, the HTTP layer or the CLI;
 * - `shared/access` (signing, accounts, city links) imports the domain, ports and use cases only;
 * - `shared/http` and `cli` never import an adapter, each other, or a Lambda function.
 * Imports that break a wall today are listed in KNOWN below, each by file: a new one fails the test, and one that
 * is gone must leave the list (so the list only shrinks). The CLI reaches the local stack through the composition
 * root (`shared/composition/local.ts`, which alone wires adapters to the ports; the Lambda functions are their own),
 * and signs links and reads accounts through `shared/access` (signing, accounts, city links), which the HTTP layer
 * uses too; what is left is `start` wiring the local servers itself and `pickup` taking the IMAP poller straight.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SOURCES = ['shared', 'cli', 'functions', 'infra'];

/** The layer of a file: `shared/<folder>` inside shared, else the top folder. */
function layerOf(file: string): string {
  const parts = relative(ROOT, file).split(sep);
  return parts[0] === 'shared' && parts.length > 2 ? `shared/${parts[1]}` : (parts[0] ?? '');
}

/** Which layers each layer may import (its own always); a layer not listed here may import anything. */
const ALLOWED: Record<string, readonly string[]> = {
  'shared/domain': [],
  'shared/parsing': ['shared/domain'],
  'shared/ports': ['shared/domain'],
  'shared/use-cases': ['shared/domain', 'shared/parsing', 'shared/ports'],
  'shared/access': ['shared/domain', 'shared/ports', 'shared/use-cases'],
  'shared/http': ['shared/domain', 'shared/parsing', 'shared/ports', 'shared/use-cases', 'shared/access'],
  cli: ['shared/domain', 'shared/parsing', 'shared/ports', 'shared/use-cases', 'shared/access', 'shared/composition'],
};

/** Walls broken today: `file -> imported file`, relative to the repository. Only ever shorter. */
const KNOWN = new Set([
  // `intake start` is the local runtime's own wiring (the SMTP listener, the IMAP poller and the HTTP app on the
  // local stack), and `intake pickup` takes the IMAP poller straight (its settings come through the composition root).
  'cli/start.ts -> shared/adapters/local/smtp-listener.ts',
  'cli/start.ts -> shared/http/app.ts',
  'cli/main.ts -> shared/adapters/imap/imap-mailbox-poller.ts',
  'cli/start.ts -> shared/adapters/imap/imap-mailbox-poller.ts',
]);

/** Every import specifier of a file that points into the repository (relative ones). */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const out: string[] = [];
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
  for (const match of source.matchAll(pattern)) {
    const spec = match[1] ?? match[2];
    if (spec) out.push(normalize(join(dirname(file), spec)));
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'cdk.out' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('layers', () => {
  const files = SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)));
  const broken = files.flatMap((file) => {
    const from = layerOf(file);
    const allowed = ALLOWED[from];
    if (!allowed) return [];
    return importsOf(file)
      .filter((target) => {
        const to = layerOf(target);
        return to !== from && !allowed.includes(to) && !relative(ROOT, target).startsWith('..');
      })
      .map((target) => `${relative(ROOT, file)} -> ${relative(ROOT, target)}`);
  });

  it('reads the imports of the sources (the check sees what it checks)', () => {
    // Assess: a known import of each kind is found.
    expect(files.length).toBeGreaterThan(100);
    expect(importsOf(join(ROOT, 'shared/use-cases/intake.ts')).map((f) => relative(ROOT, f))).toContain(
      join('shared', 'use-cases', 'read-documents.ts'),
    );
    expect(layerOf(join(ROOT, 'shared/http/app.ts'))).toBe('shared/http');
  });

  it('keeps the domain, parsing, ports, use cases, HTTP layer and CLI within their walls', () => {
    // Act
    const fresh = broken.filter((line) => !KNOWN.has(line));

    // Assess
    expect(fresh).toEqual([]);
  });

  it('lists only walls still broken (mend one, then strike it from KNOWN)', () => {
    // Act
    const mended = [...KNOWN].filter((line) => !broken.includes(line));

    // Assess
    expect(mended).toEqual([]);
  });

  it('keeps the HTTP layer off the record store: pages and routes read through the use cases', () => {
    // Act: every call on the context's records (`ctx.records.submissions.get(`, `records.x(`) in shared/http.
    const direct = files
      .filter((file) => layerOf(file) === 'shared/http')
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) =>
            /\brecords\.\w+(?:\.\w+)?\(/.test(line) ? [`${relative(ROOT, file)}:${index + 1}`] : [],
          ),
      );

    // Assess
    expect(direct).toEqual([]);
  });
});
