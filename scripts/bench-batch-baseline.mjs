// The bare-library baseline of the batch benchmark (scripts/bench-batch.ts): reads the same messages with the
// libraries alone, as a plain script would — each message parsed with mailparser, every .xlsx opened with exceljs,
// every PDF's text read with pdf-parse, every zip's entries read with yauzl (and their .xlsx/.pdf read likewise).
// Nothing is stored, checked or recorded. Plain JavaScript, so that no transpilation is counted.
//
//   node scripts/bench-batch-baseline.mjs [--store DIR] FILE.eml...
//
// With --store DIR it also stores what it read through the same embedded stand-ins the local CLI uses (s3rver and
// dynalite under DIR, in this process): the raw message and every file put into S3, one item per document put into
// DynamoDB. That is the floor: what keeping the files costs with these stand-ins, before any reading of ours.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { PDFParse, VerbosityLevel } from 'pdf-parse';
import yauzl from 'yauzl';

const args = process.argv.slice(2);
const storeAt = args[0] === '--store' ? args[1] : undefined;
const files = storeAt ? args.slice(2) : args;

/** Reads one file by its name's extension, as a bare script would; returns how many documents it held. */
async function readOne(name, content) {
  const lower = name.toLowerCase();
  if (lower.endsWith('.xlsx')) {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(content);
    return 1;
  }
  if (lower.endsWith('.pdf')) {
    const parser = new PDFParse({ data: new Uint8Array(content), verbosity: VerbosityLevel.ERRORS });
    try {
      await parser.getText();
    } finally {
      await parser.destroy();
    }
    return 1;
  }
  if (lower.endsWith('.zip')) {
    let count = 1;
    for (const entry of await zipEntries(content)) {
      if (store) await store.put(`files/${sha(entry.content)}`, entry.content);
      count += await readOne(entry.name, entry.content);
    }
    return count;
  }
  return 1;
}

/** Every file entry of a zip held in memory, with its bytes. */
function zipEntries(buffer) {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = [];
      zip.on('entry', (entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks = [];
          stream.on('data', (chunk) => chunks.push(chunk));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, content: Buffer.concat(chunks) });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The embedded stand-ins and the two SDK clients, for the floor. */
async function startStore(dir) {
  const { default: S3rver } = await import('s3rver');
  const { default: dynalite } = await import('dynalite');
  const { S3Client, CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { DynamoDBClient, CreateTableCommand, PutItemCommand } = await import('@aws-sdk/client-dynamodb');
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: `${dir}/s3` });
  const s3Address = await s3rver.run();
  const dynamo = dynalite({ path: `${dir}/dynamodb`, createTableMs: 0 });
  await new Promise((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const s3 = new S3Client({
    region: 'cn-north-1',
    endpoint: `http://127.0.0.1:${s3Address.port}`,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const db = new DynamoDBClient({
    region: 'cn-north-1',
    endpoint: `http://127.0.0.1:${dynamo.address().port}`,
    credentials,
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'floor' }));
  await db.send(
    new CreateTableCommand({
      TableName: 'floor',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    async put(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: 'floor', Key: key, Body: body }));
      await db.send(
        new PutItemCommand({ TableName: 'floor', Item: { pk: { S: key }, size: { N: String(body.length) } } }),
      );
    },
    async close() {
      s3.destroy();
      db.destroy();
      await s3rver.close();
      await new Promise((resolve) => dynamo.close(resolve));
    },
  };
}

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
const store = storeAt ? await startStore(storeAt) : undefined;
let documents = 0;
for (const file of files) {
  const raw = await readFile(file);
  if (store) await store.put(`raw/${sha(raw)}`, raw);
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  for (const attachment of mail.attachments) {
    if (store) await store.put(`files/${sha(attachment.content)}`, attachment.content);
    documents += await readOne(attachment.filename ?? '', attachment.content);
  }
}
await store?.close();
process.stdout.write(`${JSON.stringify({ documents })}\n`);
