/**
 * Wording, read as a city-bureau clerk reads it: every template the system renders (city digest as text, HTML and
 * .xlsx; acknowledgements of a mail, an upload, an unmatched and an excluded submission; the dashboard's pages; the
 * expert export) is rendered and searched for the forms a provincial department does not write: 「贵市」, the notice
 * number in 《》 without its title, ISO dates or clock times in prose, 「收取」, 「第三十二项」-style item numbers,
 * the notice's slip 「加盖党章」 and parentheses inside parentheses.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Base } from '../../shared/domain/catalogue.ts';
import { renderAcknowledgement, renderCityDigest } from '../../shared/domain/notice-text.ts';
import type { DocumentRecord, Submission } from '../../shared/domain/records.ts';
import { loadRound } from '../../shared/domain/rounds/index.ts';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { buildStatusWorkbook } from '../../shared/use-cases/export.ts';
import { buildDigestWorkbook } from '../../shared/use-cases/notice-workbook.ts';
import * as staff from '../../shared/use-cases/staff-actions.ts';
import { baseStatus } from '../fixtures/notices.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, type Seeded, seedIntake, TEST_ACCOUNTS, TEST_SECRET } from './http-seed.ts';

const round = loadRound('2023');
const AS_OF = new Date('2023-11-12T01:29:00Z'); // 11月12日9时29分, past the deadline
const taiyuan = round.cities.find((c) => c.id === 'taiyuan')!;
const zonggai = round.cities.find((c) => c.id === 'zonggai')!;

/** The forms the issue bans, each with the text around where it was found. */
function banned(text: string): string[] {
  const rules: [string, RegExp][] = [
    ['贵市/贵单位', /贵(市|单位|局)/g],
    ['notice number in 《》 without its title', /《晋商电便/g],
    ['ISO date in prose', /\d{4}-\d{1,2}-\d{1,2}/g],
    ['clock time in prose', /\d{1,2}:\d{2}/g],
    ['收取', /收取/g],
    ['item numbered in Chinese numerals', /第[一二三四五六七八九十]+项/g],
    ['the notice slip 加盖党章', /加盖党章/g],
    ['parentheses inside parentheses', /（[^（）]*（/g],
    ['(含当日)', /含当日/g],
  ];
  return rules.flatMap(([name, re]) =>
    [...text.matchAll(re)].map((m) => `${name}: …${text.slice(Math.max(0, m.index - 20), m.index + 20)}…`),
  );
}

/** The words a reader sees in an HTML page: no scripts, styles, tags or attributes. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Every cell's text of a workbook, the sheet names included. */
async function workbookText(data: Buffer | ArrayBuffer): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(data as ArrayBuffer);
  const out: string[] = [];
  for (const sheet of book.worksheets) {
    out.push(sheet.name);
    sheet.eachRow((row) => {
      for (const v of (row.values as unknown[]).slice(1)) if (v !== null && v !== undefined) out.push(String(v));
    });
  }
  return out.join('\n');
}

/** Thirty open bases in one digest (so the ordinals run past 十), three new recommendations, paper copies late. */
function crowdedDigest(city = taiyuan) {
  const asOf = AS_OF.toISOString();
  const extra: Base[] = ['甲', '乙', '丙'].map((n, i) => ({
    id: `n-test${i}`,
    name: `太原${n}直播基地`,
    city: 'taiyuan',
    category: 'new',
    grade2021: null,
    aliases: [],
    participating: true,
  }));
  const statuses = round.bases
    .filter((b) => b.participating)
    .map((b, i) =>
      baseStatus(round, b.id, asOf, {
        state: 'incomplete',
        overdue: true,
        overdueItems: [{ element: 'self-assessment', message: '自评报告截止时仍未提交' }],
        submissions: 1,
        firstReceivedAt: '2023-11-09T02:00:00.000Z',
        lastReceivedAt: '2023-11-10T15:59:30.000Z',
        missing: { documents: ['self-assessment'], formItems: [32, 33], evidence: ['party-orgs'] },
        findings: [
          {
            code: 'rule.report-mismatch',
            severity: 'warning',
            message: '第32项交易额与自评报告不一致（报告表12000万元，自评报告1.5亿元）。',
            item: 32,
          },
        ],
        paperCopies: i === 0 ? 2 : 0,
        ...(i === 0 ? { paperCopiesReceivedOn: '2023-11-14', paperLate: true } : {}),
      }),
    );
  return {
    statuses,
    registry: [...round.bases, ...extra],
    digest: renderCityDigest({
      round,
      city,
      statuses,
      registry: [...round.bases, ...extra],
      asOf: AS_OF,
      letterReceivedAt: '2023-11-09T02:00:00.000Z',
    }),
  };
}

function submission(over: Partial<Submission> = {}): Submission {
  return {
    id: 's-1',
    roundId: '2023',
    channel: 'ses',
    rawKey: 'raw/s-1',
    rawSha256: 'x',
    rawSize: 1,
    receivedAt: '2023-12-07T03:29:00.000Z',
    receivedAtSource: 'transport',
    sentAt: null,
    messageId: null,
    from: 'a@example.cn',
    subject: '邮拓直播电商基地申报材料',
    state: 'processed',
    duplicateOf: null,
    baseId: 'p02',
    match: null,
    documentIds: [],
    findings: [],
    recordedAt: '2023-12-07T03:29:00.000Z',
    ...over,
  };
}

function document(fileName: string, kind: DocumentRecord['kind'], indicator: string | null = null): DocumentRecord {
  return {
    id: `s-1/${fileName}`,
    submissionId: 's-1',
    baseId: 'p02',
    fileName,
    folderPath: null,
    contentType: 'application/octet-stream',
    size: 1,
    sha256: fileName,
    blobKey: fileName,
    receivedAt: '2023-12-07T03:29:00.000Z',
    kind,
    indicator,
    formValues: null,
    formHeader: null,
    report: null,
    findings: [],
  };
}

describe('wording of notices and receipts', () => {
  it('writes the digest as the province writes to a city bureau', async () => {
    // Act
    const { digest, statuses, registry } = crowdedDigest();
    const workbook = await buildDigestWorkbook({ round, city: taiyuan, statuses, registry, asOf: AS_OF });
    const toZonggai = renderCityDigest({
      round,
      city: zonggai,
      statuses: statuses.filter((s) => s.city === 'zonggai'),
      registry: round.bases,
      asOf: AS_OF,
      letterReceivedAt: null,
    });

    // Assess
    for (const text of [digest.subject, digest.text, visibleText(digest.html), await workbookText(workbook)]) {
      expect(banned(text)).toEqual([]);
    }
    for (const text of [toZonggai.subject, toZonggai.text, visibleText(toZonggai.html)]) {
      expect(banned(text)).toEqual([]);
    }
    expect(digest.text).toContain(
      '根据《山西省商务厅关于开展2022—2023年度省级直播电商基地综合评价工作的通知》（晋商电便〔2023〕85号）',
    );
    expect(digest.text).toContain('应于2023年11月10日24时（北京时间）前');
    expect(digest.text).toContain('截至11月12日9时29分，你局所辖30个参评基地中');
    expect(digest.subject).toContain('电子材料报送（接收）情况（截至11月12日9时29分）');
    expect(toZonggai.text).toMatch(/^山西综改示范区管委会：/);
    expect(toZonggai.text).toContain('你委所辖6个参评基地中');
    expect(toZonggai.text).toContain('请你委督促相关基地尽快补齐');
    expect(toZonggai.text).not.toContain('你局');
    expect(toZonggai.text).toContain('推荐参评基地名单及排序，并标注试点单位。\n');
    // Ordinals run 九, 十, 十一 … 三十: the tenth and the eleventh base are told apart.
    const heads = digest.body.split('\n').filter((l) => /^[一二三四五六七八九十]+、/.test(l));
    expect(heads.map((l) => l.slice(0, l.indexOf('、')))).toEqual([
      ...'一二三四五六七八九十'.split(''),
      ...'一二三四五六七八九'.split('').map((d) => `十${d}`),
      '二十',
      ...'一二三四五六七八九'.split('').map((d) => `二十${d}`),
      '三十',
    ]);
    expect(digest.text).toContain('报告表未填项目：第32项 直播电商基地交易额；第33项');
    expect(digest.text).toContain('最近11月10日23时59分30秒');
    expect(digest.text).toContain('公函：已收到（11月9日10时）');
    expect(digest.text).toContain('纸质材料：已收到2份（11月14日，逾期）');
    expect(digest.text).toContain('纸质材料：尚未收到（需2份，加盖公章）');
    // More than two new bases: the city hears it in the digest.
    expect(digest.text).toContain(
      '推荐数量：本轮新推荐参评基地3家（太原甲直播基地、太原乙直播基地、太原丙直播基地），超过通知“可择优推荐1—2家”的数量',
    );
    expect(digest.text).toMatch(/\n山西省商务厅电子商务处\n2023年11月12日\n/);
    expect(digest.text).toContain('请你局督促相关基地尽快补齐。各基地纸质材料一式2份（加盖公章）');
    expect(digest.html).toContain('<p style="text-align:right">山西省商务厅电子商务处<br>2023年11月12日</p>');
  });

  it('urges only while there is something to urge: not when all is complete, nor once the review has started', () => {
    // Prepare
    const asOf = (iso: string) => new Date(iso);
    const statuses = (state: 'complete' | 'incomplete', at: string) =>
      round.bases
        .filter((b) => b.participating && b.city === 'taiyuan')
        .map((b) => baseStatus(round, b.id, at, { state, submissions: 1, lastReceivedAt: '2023-11-09T02:00:00.000Z' }));

    // Act
    const allComplete = renderCityDigest({
      round,
      city: taiyuan,
      statuses: statuses('complete', '2023-11-12T01:00:00.000Z'),
      registry: round.bases,
      asOf: asOf('2023-11-12T01:00:00.000Z'),
      letterReceivedAt: null,
    });
    const byHandInReview = renderCityDigest({
      round,
      city: zonggai,
      statuses: statuses('incomplete', '2023-11-16T01:00:00.000Z'),
      registry: round.bases,
      asOf: asOf('2023-11-16T01:00:00.000Z'),
      letterReceivedAt: null,
    });

    // Assess
    expect(allComplete.text).not.toContain('督促');
    expect(allComplete.text).toContain('\n各基地纸质材料一式2份（加盖公章），请你局审核后连同正式公函统一邮寄至');
    expect(byHandInReview.text).not.toContain('督促');
    expect(byHandInReview.text).toContain(
      '\n专家评审已于2023年11月15日开始，材料报送（接收）工作已结束，以上情况供你委掌握。如有疑问',
    );
    for (const d of [allComplete, byHandInReview]) expect(banned(d.text)).toEqual([]);
  });

  it('writes acknowledgements of a mail, an upload, an unmatched and an excluded submission', () => {
    // Prepare
    const youtuo = round.bases.find((b) => b.id === 'p02')!;
    const cancelled = round.bases.find((b) => b.id === 'x03')!;
    const status = baseStatus(round, 'p02', AS_OF.toISOString(), {
      state: 'incomplete',
      missing: { documents: [], formItems: [32], evidence: ['party-orgs'] },
    });
    const documents = [document('报告表.xlsx', 'report-form'), document('党组织名单.pdf', 'evidence', 'party-orgs')];
    const slip = {
      code: 'evidence.seal',
      severity: 'warning' as const,
      message: '设立党组织的名单，加盖党章。',
    };

    // Act
    const mail = renderAcknowledgement({
      round,
      submission: submission(),
      documents,
      base: youtuo,
      cityName: '太原市',
      status,
      findings: [slip],
      late: true,
    });
    const nothingYet = renderAcknowledgement({
      round,
      submission: submission(),
      documents: [document('照片.jpg', 'other')],
      base: youtuo,
      cityName: '太原市',
      status: baseStatus(round, 'p02', AS_OF.toISOString(), {
        state: 'incomplete',
        missing: { documents: ['report-form', 'self-assessment'], formItems: [], evidence: [] },
      }),
      findings: [],
      late: false,
    });
    const upload = renderAcknowledgement({
      round,
      submission: submission({ channel: 'upload', subject: '【网上提交】邮拓直播电商基地' }),
      documents,
      base: youtuo,
      cityName: '太原市',
      status,
      findings: [],
      late: false,
    });
    const unmatched = renderAcknowledgement({
      round,
      submission: submission({ subject: null, baseId: null }),
      documents: [],
      base: null,
      cityName: null,
      status: null,
      findings: [],
      late: false,
    });
    const excluded = renderAcknowledgement({
      round,
      submission: submission({ subject: '晋都网红直播创业基地材料', baseId: 'x03' }),
      documents,
      base: cancelled,
      cityName: '临汾市',
      status: null,
      findings: [],
      late: false,
    });

    // Assess
    for (const ack of [mail, upload, unmatched, excluded]) {
      for (const text of [ack.subject, ack.text, visibleText(ack.html)]) expect(banned(text)).toEqual([]);
      expect(ack.text).toMatch(/\n山西省商务厅电子商务处\n2023年12月7日\n/);
    }
    expect(mail.text).toContain(
      '省商务厅电商处已于12月7日11时29分（北京时间）收到主题为“邮拓直播电商基地申报材料”的邮件',
    );
    expect(mail.text).not.toMatch(/我们|《邮拓/);
    expect(mail.text).toContain('设立党组织的名单，加盖公章。');
    expect(mail.text).toContain('第32项 直播电商基地交易额');
    expect(mail.text).toContain('本次材料于截止时间2023年11月10日24时（北京时间）之后收到');
    expect(mail.text).toContain('纸质材料一式2份（加盖公章），请交所在市商务局（综改示范区管委会）审核后统一邮寄。');
    expect(upload.text).toContain('省商务厅电商处已于12月7日11时29分（北京时间）收到网上提交的材料');
    expect(upload.text).not.toContain('邮件，共');
    expect(unmatched.text).toContain('收到你单位发送的邮件（无主题），邮件中没有附件。');
    expect(unmatched.text).not.toContain('共0个文件');
    expect(nothingYet.text).toContain('仍缺少：\n  材料：经营服务情况报告表、自评报告\n');
    expect(excluded.text).toContain('“晋都网红直播创业基地”不在本年度参评基地名单内');
    expect(excluded.text).toContain('作为新推荐基地择优推荐');
    expect(excluded.text).not.toContain('纸质材料一式');
  });
});

describe('wording of the pages and the export', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let app: ReturnType<typeof createHttpApp>;
  let cookie: string;
  let seeded: Seeded;
  beforeAll(async () => {
    stack = await startTestStack(fixedClock(new Date('2023-11-08T06:00:00Z')));
    seeded = await seedIntake(stack.ctx);
    const who = { actor: 'tester', reason: '公函' };
    await staff.recordCityLetter(stack.ctx, { city: 'changzhi', ranking: ['p10'], pilotUnits: ['p11'], ...who });
    await staff.recordPaperCopies(stack.ctx, { baseId: 'p11', copies: 2, receivedOn: '2023-11-08', ...who });
    app = createHttpApp(stack.ctx, { accounts: TEST_ACCOUNTS, secret: TEST_SECRET, wallClock: () => new Date() });
    const login = await app.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ name: 'admin', password: PASSWORDS.admin, next: '/' }),
    });
    cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  }, 120_000);
  afterAll(async () => {
    await stack.dispose();
  });

  it('has no banned form on any page, before and after the deadline and once the review has started', async () => {
    // Prepare
    const paths = [
      '/',
      '/cities/changzhi',
      '/cities/zonggai',
      '/bases/p11',
      '/bases/p02',
      '/unmatched',
      '/excluded',
      '/notices',
      `/search?q=${encodeURIComponent('易淘')}`,
      '/log?base=none',
      '/log',
    ];
    const moments = ['', '?asOf=2023-11-12T09:00:00%2B08:00', '?asOf=2023-11-16T09:00:00%2B08:00'];

    // Act
    const pages: [string, string][] = [];
    for (const path of paths) {
      for (const moment of moments) {
        const url = moment ? `${path}${path.includes('?') ? `&${moment.slice(1)}` : moment}` : path;
        const res = await app.request(url, { headers: { cookie } });
        expect(res.status, url).toBe(200);
        pages.push([url, await res.text()]);
      }
    }
    for (const path of ['/login', '/upload']) pages.push([path, await (await app.request(path)).text()]);

    // Assess
    for (const [url, page] of pages) {
      expect(banned(visibleText(page)), url).toEqual([]);
      expect(page.match(/<title>([^<]*)<\/title>/)?.[1], url).not.toContain('收取');
    }
    const text = (url: string) => visibleText(pages.find(([u]) => u === url)![1]);
    expect(text('/')).toContain('电子材料报送截止时间为2023年11月10日24时（北京时间），还有');
    expect(text('/?asOf=2023-11-12T09:00:00%2B08:00')).toContain('电子材料报送已截止');
    expect(text('/?asOf=2023-11-16T09:00:00%2B08:00')).toContain('材料报送（接收）工作已结束');
    expect(text('/?asOf=2023-11-16T09:00:00%2B08:00')).toContain('专家评审已于2023年11月15日开始');
    expect(text('/bases/p11')).toMatch(/2 \/ 2 份，2023年11月8日收到/);
    expect(text('/cities/changzhi')).toContain('1. 易淘电商信息产业园');
    expect(text('/excluded')).toContain('239新媒体产业园');
    // The audit trail in sentences: names for cities and bases, the letter's ranking numbered, no field names.
    expect(text('/log?base=none')).toContain(
      '登记长治市商务局公函：试点单位平顺网红直播基地；推荐排序1.易淘电商信息产业园',
    );
    expect(text('/bases/p11')).toContain('登记纸质材料2份（2023年11月8日收到）');
    expect(text('/log')).toContain('登记纸质材料2份（2023年11月8日收到）');
    for (const url of ['/log?base=none', '/log', '/bases/p11'])
      expect(text(url)).not.toMatch(/pilotUnits|ranking|receivedOn|city:|\d{4}-\d{2}-\d{2}T/);
    expect(seeded.excludedId).toMatch(/^s-/);
  });

  it('has no banned form in the expert export', async () => {
    // Act
    const { workbook } = await buildStatusWorkbook(stack.ctx, { asOf: new Date('2023-11-12T01:00:00Z') });
    const text = await workbookText(workbook);

    // Assess
    expect(banned(text)).toEqual([]);
    expect(text).toContain('电子材料报送截止时间：2023年11月10日24时（北京时间）');
    expect(text).toContain(
      '依据《山西省商务厅关于开展2022—2023年度省级直播电商基地综合评价工作的通知》（晋商电便〔2023〕85号）',
    );
  });
});
