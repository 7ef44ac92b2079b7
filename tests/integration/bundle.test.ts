/**
 * File packages as zip (issue 16, part 1): a base's files and a city's package over HTTP, and the CLI's `bundle`, read
 * back with yauzl — entry names in Chinese with the UTF-8 flag, the package order, the index workbook, and who may
 * download what.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { createLocalContext } from '../../shared/composition/local.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { classifyDocumentByHand, withdrawDocument } from '../../shared/use-cases/staff-actions.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildMinimalPdf } from '../fixtures/self-assessment-pdf.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, seedIntake, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from './http-seed.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/intake.mjs');

/** One entry of a zip as stored: its name, whether bit 11 (UTF-8 names) is set, its bytes. */
interface ZipMember {
  name: string;
  /** General purpose bit 11 (0x800), "names are UTF-8", in the central directory. */
  utf8: boolean;
  /** The same bit in the entry's local header (what streaming unzippers read). */
  localUtf8: boolean;
  /** The entry's MS-DOS time and date fields as stored (zip times have no zone). */
  dos: { time: number; date: number };
  data: Buffer;
}

/** Reads every entry of a zip, in order; names are decoded by yauzl (UTF-8 where the flag says so). */
function readZip(zip: Buffer): Promise<ZipMember[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error);
      const members: ZipMember[] = [];
      archive.on('error', reject);
      archive.on('end', () => resolve(members));
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStream(entry, (openError, stream) => {
          if (openError || !stream) return reject(openError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            members.push({
              name: entry.fileName,
              utf8: (entry.generalPurposeBitFlag & 0x800) !== 0,
              // Local file header: signature PK\x03\x04, version (2 bytes), then the flags.
              localUtf8:
                zip.readUInt32LE(entry.relativeOffsetOfLocalHeader) === 0x04034b50 &&
                (zip.readUInt16LE(entry.relativeOffsetOfLocalHeader + 6) & 0x800) !== 0,
              dos: { time: entry.lastModFileTime, date: entry.lastModFileDate },
              data: Buffer.concat(chunks),
            });
            archive.readEntry();
          });
        });
      });
      archive.readEntry();
    });
  });
}

/** The rows of the index workbook's first sheet as arrays of cell texts (header first). */
async function indexRows(xlsx: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx as unknown as ArrayBuffer);
  const rows: string[][] = [];
  book.worksheets[0]!.eachRow((row) => {
    rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))));
  });
  return rows;
}

/**
 * Seeds, on top of seedIntake: 平顺 sends its evidence (one table twice, one shared table settled by hand, one the
 * classifier cannot place, one withdrawn).
 */
async function seedEvidence(ctx: AppContext): Promise<{ withdrawn: string }> {
  await seedIntake(ctx);
  const anchors = await buildMinimalPdf('主播名单');
  const evidence = async (receivedAt: string, extra: { filename: string; content: Buffer }[]) =>
    ingestMessage(ctx, {
      channel: 'cli',
      raw: await buildEmail({
        subject: '平顺网红直播基地 证明材料',
        from: '"平顺基地" <pingshun@example.cn>',
        receivedAt: new Date(receivedAt),
        attachments: extra,
      }),
    });
  await evidence('2023-11-07T01:00:00Z', [
    { filename: '办公建筑面积明细表.xlsx', content: await buildMinimalPdf('办公建筑面积明细') },
    { filename: '主播名单.pdf', content: anchors },
    { filename: '从业人员名单（含运维技术人员、党员）.pdf', content: await buildMinimalPdf('从业人员 运维 党员') },
    { filename: '商家主播.pdf', content: await buildMinimalPdf('协议') },
    { filename: '交易额明细.pdf', content: await buildMinimalPdf('交易额明细 撤回') },
  ]);
  // The same anchors' list again: in the package once.
  await evidence('2023-11-07T03:00:00Z', [{ filename: '主播名单.pdf', content: anchors }]);
  const docs = await ctx.records.documents.listByBase('p11');
  const gmv = docs.find((d) => d.fileName === '交易额明细.pdf')!;
  await withdrawDocument(ctx, { documentId: gmv.id, actor: 'admin', reason: '基地说发错了' });
  // The shared staff list, settled by hand (whatever the classifier makes of it): it serves three indicators.
  const roster = docs.find((d) => d.fileName.startsWith('从业人员名单'))!;
  await classifyDocumentByHand(ctx, {
    documentId: roster.id,
    kind: 'evidence',
    indicators: ['employees', 'ops-engineers', 'party-members'],
    actor: 'admin',
    reason: '共用一张表格',
  });
  return { withdrawn: gmv.fileName };
}

describe('file packages (zip)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let app: ReturnType<typeof createHttpApp>;
  let staff: string;
  let bureau: string;

  const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';
  const login = async (name: string, password: string) =>
    cookieOf(await app.request('/login', { method: 'POST', body: new URLSearchParams({ name, password, next: '/' }) }));
  const get = (path: string, cookie: string) => app.request(path, { headers: { cookie } });

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    await seedEvidence(stack.ctx);
    app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS, wallClock: () => new Date() });
    staff = await login('admin', PASSWORDS.admin);
    bureau = await login('cz', PASSWORDS.cz);
  }, 120_000);
  afterAll(async () => {
    await stack.dispose();
  });

  it("downloads a base's files renamed in indicator order, UTF-8 flagged, with the index", async () => {
    // Act
    const response = await get('/api/bases/p11/files.zip', bureau);
    const zip = Buffer.from(await response.arrayBuffer());
    const members = await readZip(zip);
    const names = members.map((m) => m.name);

    // Assess: headers
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('平顺网红直播基地 材料.zip')}`,
    );
    // The documents first, evidence by indicator number (a shared table in each of its folders), 待核实, the index.
    expect(names).toEqual([
      '平顺网红直播基地/00 经营服务情况报告表.xlsx',
      '平顺网红直播基地/00 自评报告.pdf',
      '平顺网红直播基地/01 直播电商基地建筑面积/办公建筑面积明细表.xlsx',
      '平顺网红直播基地/05 基地主播数量/主播名单.pdf',
      '平顺网红直播基地/06 运维技术工程师数量/从业人员名单（含运维技术人员、党员）.pdf',
      '平顺网红直播基地/16 党员人数/从业人员名单（含运维技术人员、党员）.pdf',
      '平顺网红直播基地/30 直播电商基地从业人数/从业人员名单（含运维技术人员、党员）.pdf',
      '平顺网红直播基地/待核实/商家主播.pdf',
      '目录.xlsx',
    ]);
    // Every name here is Chinese: every entry carries the UTF-8 flag (bit 11), read from the central directory.
    expect(members.every((m) => m.utf8 && m.localUtf8)).toBe(true);
    // Zip times carry no zone: the receive time is written as Beijing wall time (01:00 UTC -> 2023-11-07 09:00).
    const building = members.find((m) => m.name.endsWith('办公建筑面积明细表.xlsx'))!;
    expect(building.dos).toEqual({ time: 9 << 11, date: ((2023 - 1980) << 9) | (11 << 5) | 7 });
    // The bytes are the stored ones.
    const form = members.find((m) => m.name.endsWith('00 经营服务情况报告表.xlsx'))!;
    expect(form.data.subarray(0, 2).toString('latin1')).toBe('PK');
    const docs = await stack.ctx.records.documents.listByBase('p11');
    const anchors = docs.find((d) => d.fileName === '主播名单.pdf')!;
    expect(members.find((m) => m.name.endsWith('主播名单.pdf'))!.data).toEqual(
      await stack.ctx.blobs.get(anchors.blobKey),
    );
  });

  it('writes an index: base, indicator, name in the package, name as sent, Beijing time, size', async () => {
    // Act
    const members = await readZip(Buffer.from(await (await get('/api/bases/p11/files.zip', staff)).arrayBuffer()));
    const rows = await indexRows(members.find((m) => m.name === '目录.xlsx')!.data);

    // Assess
    expect(rows[0]).toEqual([
      '序号',
      '地市',
      '基地编号',
      '基地名称',
      '指标',
      '包内文件名',
      '原文件名',
      '收到时间（北京时间）',
      '大小（字节）',
      '备注',
    ]);
    expect(rows).toHaveLength(9); // header + 8 files
    const building = rows.find((r) => r[5]?.includes('办公建筑面积明细表'))!;
    const docs = await stack.ctx.records.documents.listByBase('p11');
    const record = docs.find((d) => d.fileName === '办公建筑面积明细表.xlsx')!;
    expect(building.slice(1, 9)).toEqual([
      '长治市',
      'p11',
      '平顺网红直播基地',
      '01 直播电商基地建筑面积',
      '平顺网红直播基地/01 直播电商基地建筑面积/办公建筑面积明细表.xlsx',
      '办公建筑面积明细表.xlsx',
      '2023-11-07 09:00:00', // received 01:00 UTC
      String(record.size),
    ]);
    const pending = rows.find((r) => r[5]?.includes('待核实/'))!;
    expect(pending[4]).toMatch(/^待核实（可能是：.+）$/);
    // Left out: the withdrawn file; the anchors' list sent twice is listed once.
    expect(rows.some((r) => r[6] === '交易额明细.pdf')).toBe(false);
    expect(rows.filter((r) => r[6] === '主播名单.pdf')).toHaveLength(1);
  });

  it("packs a city's bases in a folder each, bases that sent nothing named in the index", async () => {
    // Act
    const response = await get('/api/cities/changzhi/files.zip', bureau);
    const members = await readZip(Buffer.from(await response.arrayBuffer()));
    const rows = await indexRows(members.find((m) => m.name === '目录.xlsx')!.data);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(encodeURIComponent('长治市 基地材料.zip'));
    expect(members.filter((m) => m.name !== '目录.xlsx').every((m) => m.name.startsWith('平顺网红直播基地/'))).toBe(
      true,
    );
    expect(members).toHaveLength(9);
    expect(members.at(-1)!.name).toBe('目录.xlsx');
    const changzhi = stack.ctx.round.bases.filter((b) => b.city === 'changzhi');
    expect(changzhi.length).toBeGreaterThan(1);
    const silent = rows.filter((r) => r[9] === '未收到材料').map((r) => r[3]);
    expect(silent.sort()).toEqual(
      changzhi
        .filter((b) => b.id !== 'p11')
        .map((b) => b.name)
        .sort(),
    );
  });

  it('packs the whole round under <城市>/<基地名称>/ for staff', async () => {
    // Act
    const response = await get('/api/files.zip', staff);
    const names = (await readZip(Buffer.from(await response.arrayBuffer()))).map((m) => m.name);

    // Assess: Taiyuan comes before Changzhi (the round's city order); 邮拓 sent its form only.
    expect(response.status).toBe(200);
    expect(names).toContain('太原市/邮拓直播电商基地/00 经营服务情况报告表.xlsx');
    expect(names).toContain('长治市/平顺网红直播基地/01 直播电商基地建筑面积/办公建筑面积明细表.xlsx');
    expect(names.indexOf('太原市/邮拓直播电商基地/00 经营服务情况报告表.xlsx')).toBeLessThan(
      names.indexOf('长治市/平顺网红直播基地/00 经营服务情况报告表.xlsx'),
    );
    // The excluded base (title cancelled) takes no part: not in the experts' package.
    expect(names.some((n) => n.includes('239新媒体产业园'))).toBe(false);
    expect(names.at(-1)).toBe('目录.xlsx');
  });

  it("refuses a bureau another city's base or city and the whole round; asks who is there first", async () => {
    // Act
    const otherBase = await get('/api/bases/p02/files.zip', bureau);
    const otherCity = await get('/api/cities/taiyuan/files.zip', bureau);
    const round = await get('/api/files.zip', bureau);
    const anonymous = await app.request('/api/bases/p11/files.zip');
    const unknown = await get('/api/bases/nope/files.zip', staff);

    // Assess
    expect([otherBase.status, otherCity.status, round.status]).toEqual([403, 403, 403]);
    expect(otherBase.headers.get('content-type')).toContain('application/json');
    expect(anonymous.status).toBe(401);
    expect(unknown.status).toBe(404);
  });

  it('answers 202 with a background job where downloads go through a Lambda response and the package is larger than one', async () => {
    // Prepare: downloads redirected (AWS); 邮拓 (taiyuan) then sends a 5 MB scan.
    const lambda = createHttpApp(stack.ctx, {
      secret: TEST_SECRET,
      accounts: TEST_ACCOUNTS,
      wallClock: () => new Date(),
      fileDownloads: 'redirect',
    });
    const small = await lambda.request('/api/bases/p02/files.zip', { headers: { cookie: staff } });
    const content = Buffer.alloc(5 * 1024 * 1024, 7);
    const sha256 = createHash('sha256').update(content).digest('hex');
    await stack.ctx.blobs.put(`documents/${sha256}`, content);
    const [form] = await stack.ctx.records.documents.listByBase('p02');
    await stack.ctx.records.documents.save({
      ...form!,
      id: `${form!.submissionId}/${sha256}`,
      fileName: '扫描件.jpg',
      kind: 'other',
      size: content.length,
      sha256,
      blobKey: `documents/${sha256}`,
      formValues: null,
      formHeader: null,
      findings: [],
    });

    // Act
    const large = await lambda.request('/api/bases/p02/files.zip', { headers: { cookie: staff } });
    const streamed = await get('/api/bases/p02/files.zip', staff);

    // Assess
    expect(small.status).toBe(200);
    // Built into the store and handed over as a link instead (tests/integration/bundle-jobs.test.ts).
    expect(large.status).toBe(202);
    expect(((await large.json()) as { fileName: string }).fileName).toBe('邮拓直播电商基地 材料.zip');
    expect(streamed.status).toBe(200);
    const names = (await readZip(Buffer.from(await streamed.arrayBuffer()))).map((m) => m.name);
    expect(names).toEqual([
      '邮拓直播电商基地/00 经营服务情况报告表.xlsx',
      '邮拓直播电商基地/其他/扫描件.jpg',
      '目录.xlsx',
    ]);
  });

  it('leaves out a file whose bytes the store no longer has, and says so in the index', async () => {
    // Prepare: a record of 邮拓 whose blob is gone.
    const [form] = await stack.ctx.records.documents.listByBase('p02');
    await stack.ctx.records.documents.save({
      ...form!,
      id: `${form!.submissionId}/${'f'.repeat(64)}`,
      fileName: '丢失的文件.pdf',
      kind: 'other',
      sha256: 'f'.repeat(64),
      blobKey: `documents/${'f'.repeat(64)}`,
      formValues: null,
      formHeader: null,
      findings: [],
    });

    // Act
    const response = await get('/api/bases/p02/files.zip', staff);
    const members = await readZip(Buffer.from(await response.arrayBuffer()));
    const rows = await indexRows(members.find((m) => m.name === '目录.xlsx')!.data);

    // Assess
    expect(response.status).toBe(200);
    expect(members.some((m) => m.name.includes('丢失的文件'))).toBe(false);
    expect(rows.find((r) => r[6] === '丢失的文件.pdf')?.[9]).toBe('存储中找不到该文件，未打包');
  });

  it('puts a download button on the base page and documents the routes', async () => {
    // Act
    const page = await (await get('/bases/p11', staff)).text();
    const button = await get('/bundles/new?base=p11', staff);
    const spec = (await (await get('/api/openapi.json', staff)).json()) as { paths: Record<string, unknown> };

    // Assess
    // The button goes through /bundles/new (outside /api, which wants a token in AWS): here it streams the zip.
    expect(page).toContain('href="/bundles/new?base=p11"');
    expect(button.status).toBe(303);
    expect(button.headers.get('location')).toBe('/api/bases/p11/files.zip');
    expect(page).toContain('下载全部文件（zip');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/bases/{baseId}/files.zip', '/api/cities/{city}/files.zip', '/api/files.zip']),
    );
  });
});

describe('intake bundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'intake-bundle-'));
    const local = await createLocalContext({ dataDir: join(dir, 'data'), clock: fixedClock(TEST_NOW) });
    try {
      await seedEvidence(local.ctx);
    } finally {
      await local.close();
    }
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const intake = async (...args: string[]) =>
    (await run(process.execPath, [CLI, ...args, '--data-dir', join(dir, 'data')], { maxBuffer: 16 << 20 })).stdout;

  it('writes a base, a city and the round as zips with the same layout as the downloads', async () => {
    // Act
    const base = JSON.parse(await intake('bundle', '--base', 'p11', '--out', join(dir, 'p11.zip'), '--json'));
    const city = await intake('bundle', '--city', 'changzhi', '--out', join(dir, '长治.zip'));
    await intake('bundle', '--all', '--out', join(dir, 'all.zip'));
    const baseNames = (await readZip(await readFile(join(dir, 'p11.zip')))).map((m) => m.name);
    const cityNames = (await readZip(await readFile(join(dir, '长治.zip')))).map((m) => m.name);
    const allNames = (await readZip(await readFile(join(dir, 'all.zip')))).map((m) => m.name);

    // Assess
    expect(base).toMatchObject({ bases: 1, files: 8, missing: [] });
    expect(base.bytes).toBe((await readFile(join(dir, 'p11.zip'))).length);
    expect(baseNames[0]).toBe('平顺网红直播基地/00 经营服务情况报告表.xlsx');
    expect(baseNames).toContain('平顺网红直播基地/05 基地主播数量/主播名单.pdf');
    expect(city).toMatch(/^已打包 .*长治\.zip：\d+个基地，8个文件/);
    expect(cityNames).toEqual(baseNames);
    expect(allNames).toContain('长治市/平顺网红直播基地/05 基地主播数量/主播名单.pdf');
    expect(allNames).toContain('太原市/邮拓直播电商基地/00 经营服务情况报告表.xlsx');
  }, 120_000);

  it('refuses to run without exactly one of --base, --city, --all', async () => {
    // Act
    const refused = await intake('bundle', '--out', join(dir, 'x.zip')).catch((error: { stderr: string }) => error);

    // Assess
    expect((refused as { stderr: string }).stderr).toContain('exactly one of --base, --city, --all');
  });
});
