/**
 * Runs the whole corpus through intake on a temporary embedded stack: every .eml as received, and every
 * .xlsx/.xls/.pdf/.zip as the attachment of a plain message (spreadsheets named as the report form, PDFs as the
 * self-assessment, so that their parsers run). Prints one row per file and a summary line; exits 1
 * when any file crashes intake or loses something (no submission, raw not stored, an attachment without its
 * document record).
 *
 *   npx tsx scripts/corpus-check.ts [../shared/corpus]
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, resolve } from 'node:path';
import { createLocalContext } from '../shared/composition/local.ts';
import { readMessage } from '../shared/parsing/email.ts';
import type { AppContext } from '../shared/use-cases/context.ts';
import { ingestMessage } from '../shared/use-cases/intake.ts';

/** One corpus file and what intake made of it. */
interface Row {
  file: string;
  state: string;
  base: string;
  documents: number;
  codes: string;
  ms: number;
  crashed: boolean;
  lost: string[];
}

/** Corpus file of each recorded submission, to name what a duplicate duplicates. */
const seen = new Map<string, string>();

const ATTACHMENT_TYPES: Record<string, string> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.xls': 'application/vnd.ms-excel',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

async function main(): Promise<void> {
  const corpus = resolve(process.argv[2] ?? join(import.meta.dirname, '../../shared/corpus'));
  const files = await corpusFiles(corpus);
  if (files.length === 0) {
    console.error(`no corpus files under ${corpus}`);
    process.exit(1);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'corpus-check-'));
  const local = await createLocalContext({ dataDir, own: true });
  const rows: Row[] = [];
  try {
    for (const [index, path] of files.entries()) {
      rows.push(await check(local.ctx, corpus, path, index));
    }
  } finally {
    await local.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  printTable(rows);
  const recorded = rows.filter((row) => !row.crashed && row.state !== 'missing').length;
  const crashes = rows.filter((row) => row.crashed).length;
  const losses = rows.filter((row) => row.lost.length > 0);
  for (const row of losses) console.log(`LOSS ${row.file}: ${row.lost.join('; ')}`);
  console.log(
    `${rows.length} files, ${recorded} recorded, ${crashes} crashes${losses.length ? `, ${losses.length} losses` : ''}`,
  );
  // exitCode, not exit(): a piped stdout is written asynchronously and exit() would cut the summary off.
  process.exitCode = crashes > 0 || losses.length > 0 || recorded < rows.length ? 1 : 0;
}

async function corpusFiles(corpus: string): Promise<string[]> {
  const out: string[] = [];
  for (const folder of ['eml', 'xlsx', 'pdf', 'zip']) {
    let names: string[];
    try {
      names = await readdir(join(corpus, folder));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const ext = extname(name).toLowerCase();
      if (ext === '.eml' || ext in ATTACHMENT_TYPES) out.push(join(corpus, folder, name));
    }
  }
  return out;
}

async function check(ctx: AppContext, corpus: string, path: string, index: number): Promise<Row> {
  const file = relative(corpus, path);
  const content = await readFile(path);
  const isEml = extname(path).toLowerCase() === '.eml';
  const raw = isEml ? content : wrapAsAttachment(roleName(basename(path)), content, index);
  const row: Row = { file, state: 'missing', base: '', documents: 0, codes: '', ms: 0, crashed: false, lost: [] };
  const started = performance.now();
  try {
    const result = await ingestMessage(ctx, { raw, channel: 'cli' });
    row.ms = Math.round(performance.now() - started);
    const submission = await ctx.records.submissions.get(result.submissionId);
    if (!submission) {
      row.lost.push('no submission record');
      return row;
    }
    const documents = await ctx.records.documents.listBySubmission(submission.id);
    row.state = submission.state;
    row.base = submission.baseId ?? '(unmatched)';
    row.documents = documents.length;
    const codes = [...submission.findings, ...documents.flatMap((doc) => doc.findings)].map((f) => f.code);
    row.codes = [...new Set(codes)].join(',');
    if (submission.state === 'received') row.lost.push('left in state received');
    if (!(await ctx.blobs.exists(submission.rawKey))) row.lost.push('raw message not stored');
    const held = new Set(documents.map((doc) => doc.id));
    const missing = submission.documentIds.filter((id) => !held.has(id));
    if (missing.length > 0) row.lost.push(`${missing.length} document ids without a record`);
    // A duplicate (same Message-ID as an earlier file) is recorded, raw kept, and by design not read again.
    if (submission.state === 'duplicate') {
      row.base = `duplicate of ${seen.get(submission.duplicateOf ?? '') ?? submission.duplicateOf}`;
    } else seen.set(submission.id, file);
    // Every attachment the parser sees must come back as a document with the same bytes (quarantine aside).
    if (!submission.quarantine && submission.state !== 'duplicate') {
      const stored = new Set(documents.map((doc) => doc.sha256));
      for (const attachment of await attachmentDigests(raw)) {
        if (!stored.has(attachment.sha256)) row.lost.push(`attachment "${attachment.fileName}" has no document`);
      }
    }
  } catch (error) {
    row.ms = Math.round(performance.now() - started);
    row.crashed = true;
    row.state = 'CRASH';
    row.codes = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(`CRASH ${file}`, error);
  }
  return row;
}

/** The top-level attachments of a message as the parser hands them over, by content hash. */
async function attachmentDigests(raw: Buffer): Promise<{ fileName: string; sha256: string }[]> {
  const out: { fileName: string; sha256: string }[] = [];
  await readMessage(raw, async (attachment) => {
    const hash = createHash('sha256');
    for await (const chunk of attachment.content) hash.update(chunk as Buffer);
    out.push({ fileName: attachment.fileName, sha256: hash.digest('hex') });
  });
  return out;
}

/**
 * Spreadsheets and PDFs are named as the report form and the self-assessment, so that the form and report
 * parsers read them (an evidence file is only stored, which would prove little).
 */
function roleName(fileName: string): string {
  const ext = extname(fileName).toLowerCase();
  const stem = basename(fileName, extname(fileName));
  if (ext === '.xlsx' || ext === '.xls') return `附件2经营服务情况报告表（${stem}）${ext}`;
  if (ext === '.pdf') return `附件3自评报告（${stem}）${ext}`;
  return fileName;
}

/** A plain message carrying one corpus file, its name RFC 2231-encoded as Chinese clients write it. */
function wrapAsAttachment(fileName: string, content: Buffer, index: number): Buffer {
  const type = ATTACHMENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
  const name = encodeURIComponent(fileName);
  const base64 = content.toString('base64').replace(/.{1,76}/g, '$&\r\n');
  const text = [
    'From: corpus-check <corpus@example.cn>',
    'To: sxswtdsc@163.com',
    `Subject: corpus ${fileName}`,
    `Message-ID: <corpus-${index}-${Date.now()}@corpus-check.local>`,
    'Date: Wed, 08 Nov 2023 10:00:00 +0800',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="corpus-boundary"',
    '',
    '--corpus-boundary',
    'Content-Type: text/plain; charset=utf-8',
    '',
    '附件请查收。',
    '--corpus-boundary',
    `Content-Type: ${type}; name*=UTF-8''${name}`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename*=UTF-8''${name}`,
    '',
    base64,
    '--corpus-boundary--',
    '',
  ].join('\r\n');
  return Buffer.from(text, 'utf8');
}

function printTable(rows: Row[]): void {
  const header = ['file', 'state', 'base', 'docs', 'findings', 'ms'];
  const cells = rows.map((row) => [row.file, row.state, row.base, String(row.documents), row.codes, String(row.ms)]);
  const widths = header.map((title, column) =>
    Math.max(width(title), ...cells.map((line) => Math.min(width(line[column] ?? ''), column === 4 ? 90 : 60))),
  );
  const format = (line: string[]) => line.map((cell, column) => pad(cell, widths[column] ?? 0, column)).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of cells) console.log(format(line));
}

/** Display width: CJK and full-width characters take two columns. */
function width(text: string): number {
  let total = 0;
  for (const ch of text)
    total += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  return total;
}

function pad(text: string, size: number, column: number): string {
  const numeric = column === 3 || column === 5;
  const gap = ' '.repeat(Math.max(0, size - width(text)));
  return numeric ? gap + text : text + gap;
}

await main();
