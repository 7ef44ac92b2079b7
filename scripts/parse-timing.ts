/**
 * Parse timings of the document readers (`npx tsx scripts/parse-timing.ts`): a 100-page self-assessment PDF, the
 * same report as .docx, a 5,000-row evidence spreadsheet (report-form check + header row), and a 10-page scan
 * through OCR when tesseract is installed. Each case runs in a child process of its own, after a warm-up on a small
 * input, so that time and peak RSS are those of the case, not of the modules loading or of the other cases.
 *
 *   npx tsx scripts/parse-timing.ts            all cases
 *   npx tsx scripts/parse-timing.ts pdf        one case (pdf, docx, xlsx, ocr)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CASES = ['pdf', 'docx', 'xlsx', 'ocr'] as const;
type Case = (typeof CASES)[number];

interface Timing {
  case: Case;
  what: string;
  ms: number;
  cpuMs: number;
  /** RSS before the measured call (modules loaded, warm-up done), MB. */
  startRssMb: number;
  /** Peak RSS of the process, MB. */
  peakRssMb: number;
  result: string;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function measure(name: Case): Promise<Timing> {
  const [{ loadRound }, { readSelfAssessment, readSelfAssessmentFile }, { parseReportForm }, { readSheetHeaders }] =
    await Promise.all([
      import('../shared/domain/rounds/index.ts'),
      import('../shared/parsing/self-assessment.ts'),
      import('../shared/parsing/report-form/index.ts'),
      import('../shared/parsing/sheet-headers.ts'),
    ]);
  const round = loadRound();
  let input: Buffer;
  let warm: Buffer;
  let what: string;
  let run: (data: Buffer) => Promise<string>;
  switch (name) {
    case 'pdf': {
      input = await longPdf(100);
      warm = await longPdf(2);
      what = `100-page text PDF (${Math.round(input.length / 1024)} KB), read up to its page limit`;
      run = async (data) => {
        const r = await readSelfAssessment(data, { fileName: 'report.pdf', maxPages: 100 });
        return `${r.pages} pages, ${r.text.length} chars, gmv ${r.figures.gmv?.value ?? '-'}`;
      };
      break;
    }
    case 'docx': {
      const { buildDocx } = await import('../tests/fixtures/word-documents.ts');
      const { reportParagraphs } = await import('../tests/fixtures/self-assessment-pdf.ts');
      const one = reportParagraphs({ baseName: '山西晋云直播电商产业基地' });
      input = buildDocx(Array.from({ length: 40 }, () => one).flat());
      warm = buildDocx(one);
      what = `.docx of 40 copies of the report (~100 pages, ${Math.round(input.length / 1024)} KB)`;
      run = async (data) => {
        const r = await readSelfAssessmentFile(data, 'report.docx');
        return `${r.text.length} chars, gmv ${r.figures.gmv?.value ?? '-'}`;
      };
      break;
    }
    case 'xlsx': {
      input = await evidenceSheet(5000);
      warm = await evidenceSheet(10);
      what = `5,000-row evidence spreadsheet (${Math.round(input.length / 1024)} KB): report-form check, then header row`;
      run = async (data) => {
        const form = await parseReportForm(data, round, { fileName: '附件3.xlsx' });
        const headers = await readSheetHeaders(data);
        return `${form.findings.map((f) => f.code).join(',')}; headers ${headers.slice(0, 5).join('|')}`;
      };
      break;
    }
    case 'ocr': {
      const { buildReadableScanPdf } = await import('../tests/fixtures/scanned-report.ts');
      const { ocrAvailable } = await import('../shared/parsing/ocr.ts');
      if (!(await ocrAvailable()).ok) throw new Error('tesseract with chi_sim is not installed');
      const pages = await Promise.all(
        Array.from({ length: 4 }, () => buildReadableScanPdf({ baseName: '山西晋云直播电商产业基地' })),
      );
      input = await concatPdfs(pages);
      warm = pages[0]!;
      what = `12-page scan, OCR of the first 10 pages (${Math.round(input.length / 1024)} KB)`;
      run = async (data) => {
        const r = await readSelfAssessment(data, { fileName: 'scan.pdf' });
        return `ocr ${r.ocr}, ${r.text.length} chars, findings ${r.findings.map((f) => f.code).join(',')}`;
      };
      break;
    }
  }
  await run(warm);
  const startRss = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await run(input);
  const ms = Math.round(performance.now() - started);
  const used = process.cpuUsage(cpu);
  return {
    case: name,
    what,
    ms,
    cpuMs: Math.round((used.user + used.system) / 1000),
    startRssMb: mb(startRss),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    result,
  };
}

async function longPdf(pages: number): Promise<Buffer> {
  const { buildMinimalPdf } = await import('../tests/fixtures/self-assessment-pdf.ts');
  const page = [
    '一、基地概况',
    '（二）经营业绩',
    '报告期内基地累计引导成交额1.2亿元，其中带动山西产品销售5600万元。',
    ...Array.from({ length: 46 }, (_, i) => `第${i + 1}行：基地开展直播活动、培训和专题促销，服务入驻商家和主播。`),
  ].join('\n');
  // pdfkit flows the text onto as many pages as it needs; 49 lines of 12pt fill about one A4 page.
  return buildMinimalPdf(Array.from({ length: pages }, () => page).join('\n'));
}

async function evidenceSheet(rows: number): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Sheet1');
  sheet.addRow(['序号', '主播网名', '粉丝数', '推销产品类型', '所属机构', '联系电话', '签约日期', '备注']);
  for (let i = 1; i <= rows; i++) {
    sheet.addRow([
      i,
      `主播${i}`,
      10000 + i * 7,
      i % 2 ? '农产品' : '日用品',
      '山西示例传媒有限公司',
      `139${i}`,
      new Date(2023, 0, 1 + (i % 300)),
      '',
    ]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** One PDF holding the pages of several (pdfkit cannot import pages, so the scans are re-drawn from their images). */
async function concatPdfs(pdfs: Buffer[]): Promise<Buffer> {
  const { PDFParse } = await import('pdf-parse');
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false });
  for (const pdf of pdfs) {
    const parser = new PDFParse({ data: new Uint8Array(pdf) });
    const shots = await parser.getScreenshot({ desiredWidth: 1240, imageBuffer: true, imageDataUrl: false });
    await parser.destroy();
    for (const shot of shots.pages) {
      doc.addPage();
      doc.image(Buffer.from(shot.data), 0, 0, { width: doc.page.width, height: doc.page.height });
    }
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.end();
  });
}

const [, , arg, child] = process.argv;
if (child === '--child' && CASES.includes(arg as Case)) {
  const timing = await measure(arg as Case);
  console.log(JSON.stringify(timing));
} else {
  const wanted = arg && CASES.includes(arg as Case) ? [arg as Case] : [...CASES];
  const self = fileURLToPath(import.meta.url);
  for (const name of wanted) {
    const out = spawnSync(process.execPath, ['--import', 'tsx', self, name, '--child'], {
      encoding: 'utf8',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const line = out.stdout.trim().split('\n').at(-1) ?? '';
    try {
      const t = JSON.parse(line) as Timing;
      console.log(
        `${t.case.padEnd(5)} ${String(t.ms).padStart(6)} ms  cpu ${String(t.cpuMs).padStart(6)} ms  rss ${t.startRssMb} -> peak ${t.peakRssMb} MB  ${t.what}\n      ${t.result}`,
      );
    } catch {
      console.log(`${name.padEnd(5)} failed: ${(out.stderr || out.stdout).trim().split('\n').slice(-3).join(' | ')}`);
    }
  }
}
