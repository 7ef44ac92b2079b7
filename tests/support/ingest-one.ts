/**
 * Ingests one message file into a fresh local data directory in this process, then prints one JSON line: the
 * submission, each document's findings, the wall time and the process's peak resident memory. The hostile-input
 * test runs it as a child process per message, so that each message's peak is its own.
 *
 *   node --import tsx tests/support/ingest-one.ts <message.eml> <data-dir>
 */
import { readFile } from 'node:fs/promises';
import { createLocalContext } from '../../shared/composition/local.ts';
import { closeParserWorker } from '../../shared/parsing/sandbox/index.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';

const [file, dataDir] = process.argv.slice(2);
if (!file || !dataDir) throw new Error('usage: ingest-one <message.eml> <data-dir>');
const local = await createLocalContext({ dataDir, own: true });
const began = Date.now();
try {
  const result = await ingestMessage(local.ctx, {
    raw: await readFile(file),
    channel: 'cli',
    receivedAt: new Date('2023-11-06T02:00:00Z'),
    receivedAtSource: 'file-time',
  });
  const elapsedMs = Date.now() - began;
  const documents = await local.ctx.records.documents.listBySubmission(result.submissionId);
  const submission = await local.ctx.records.submissions.get(result.submissionId);
  console.log(
    JSON.stringify({
      submissionId: result.submissionId,
      duplicate: result.duplicate,
      findings: (submission?.findings ?? result.findings).map((f) => f.code),
      documents: documents.map((d) => ({
        fileName: d.fileName,
        kind: d.kind,
        findings: d.findings.map((f) => f.code),
      })),
      elapsedMs,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  await closeParserWorker();
  await local.close();
}
