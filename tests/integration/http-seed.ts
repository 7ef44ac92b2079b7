/**
 * Seeds a test stack for the HTTP tests (API and browser): two bases that sent something, one unmatched message,
 * notices for two cities, and local accounts for a staff member and a city bureau.
 */
import { parseAccounts } from '../../shared/access/accounts.ts';
import type { AppContext } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';
import { buildSelfAssessmentPdf } from '../fixtures/self-assessment-pdf.ts';

/** The round clock of the HTTP tests: 2023-11-08 14:00 Beijing time, two days before the deadline. */
export const TEST_NOW = new Date('2023-11-08T06:00:00Z');
/** A fixed signing secret (hex, 32 bytes) so that tests can sign tokens themselves. */
export const TEST_SECRET = 'a1'.repeat(32);

/** A signed link's path with one character of its signature changed (one that carries signature bits). */
export function tamperedPath(path: string): string {
  const at = path.length - 5;
  return `${path.slice(0, at)}${path[at] === 'A' ? 'B' : 'A'}${path.slice(at + 1)}`;
}
/** Passwords of the test accounts. */
export const PASSWORDS = { admin: 'staff-pass-1', cz: 'bureau-pass-1' } as const;
/** A staff account and the Changzhi bureau's account. */
export const TEST_ACCOUNTS = parseAccounts(`admin:${PASSWORDS.admin}:staff,cz:${PASSWORDS.cz}:bureau:changzhi`);

/** What the seed created. */
export interface Seeded {
  /** p11 平顺网红直播基地 (changzhi): report form and a self-assessment whose GMV disagrees with the form. */
  pingshun: { submissionId: string; documentIds: string[] };
  /** p02 邮拓直播电商基地 (taiyuan): report form only. */
  youtuo: { submissionId: string; documentIds: string[] };
  /** A message no base could be found for. */
  unmatchedId: string;
  /** x01 239新媒体产业园 (jincheng): a base whose title was cancelled (Annex 4, third table) sent its form. */
  excludedId: string;
}

/** Ingests the seed messages on a context. */
export async function seedIntake(ctx: AppContext): Promise<Seeded> {
  const form = (baseName: string) => buildReportFormXlsx({ header: { baseName }, values: SAMPLE_FORM_VALUES });
  const pingshun = await ingestMessage(ctx, {
    channel: 'cli',
    raw: await buildEmail({
      subject: '平顺网红直播基地综合评价申报材料',
      from: '"平顺基地" <pingshun@example.cn>',
      receivedAt: new Date('2023-11-06T02:00:00Z'),
      attachments: [
        { filename: '经营服务情况报告表.xlsx', content: await form('平顺网红直播基地') },
        {
          filename: '自评报告.pdf',
          // 1.5亿元 against the form's 12000万元: a report-mismatch finding for the pages to show.
          content: await buildSelfAssessmentPdf({ baseName: '平顺网红直播基地', gmvText: '累计引导成交额1.5亿元' }),
        },
      ],
    }),
  });
  const youtuo = await ingestMessage(ctx, {
    channel: 'cli',
    raw: await buildEmail({
      subject: '邮拓直播电商基地 报告表',
      from: '"邮拓" <youtuo@example.cn>',
      receivedAt: new Date('2023-11-07T02:00:00Z'),
      attachments: [{ filename: '报告表.xlsx', content: await form('邮拓直播电商基地') }],
    }),
  });
  const unmatched = await ingestMessage(ctx, {
    channel: 'cli',
    raw: await buildEmail({
      subject: '材料',
      from: '"小王" <wang@unknown.example.cn>',
      receivedAt: new Date('2023-11-07T08:00:00Z'),
      text: '请查收',
      attachments: [{ filename: '说明.txt', content: Buffer.from('见附件') }],
    }),
  });
  const excluded = await ingestMessage(ctx, {
    channel: 'cli',
    raw: await buildEmail({
      subject: '239新媒体产业园 综合评价申报材料',
      from: '"239园区" <yuanqu239@example.cn>',
      receivedAt: new Date('2023-11-07T09:00:00Z'),
      attachments: [{ filename: '经营服务情况报告表.xlsx', content: await form('239新媒体产业园') }],
    }),
  });
  for (const [city, error] of [
    ['changzhi', null],
    ['taiyuan', 'SMTP 550 mailbox unavailable'],
  ] as const) {
    await ctx.records.notices.save({
      id: `n-${city}`,
      city,
      to: [`${city}@bureau.example.cn`],
      subject: `【测试】${city} 通知`,
      text: `${city} 的通知正文`,
      contentSha256: `sha-${city}`,
      asOf: '2023-11-07T00:00:00.000Z',
      sentAt: error ? null : '2023-11-07T00:00:05.000Z',
      transportId: error ? null : `m-${city}`,
      error,
    });
  }
  const ids = async (submissionId: string) =>
    (await ctx.records.documents.listBySubmission(submissionId)).map((d) => d.id);
  return {
    pingshun: { submissionId: pingshun.submissionId, documentIds: await ids(pingshun.submissionId) },
    youtuo: { submissionId: youtuo.submissionId, documentIds: await ids(youtuo.submissionId) },
    unmatchedId: unmatched.submissionId,
    excludedId: excluded.submissionId,
  };
}
