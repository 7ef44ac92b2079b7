import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, startLocalStack } from '../../cli/start.ts';
import { buildReportFormXlsx, SAMPLE_FORM_VALUES } from '../fixtures/report-form.ts';

describe('intake start (the local stack)', () => {
  let dir: string;
  let stack: RunningStack;
  const lines: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'intake-start-'));
    stack = await startLocalStack({ dataDir: dir, httpPort: 0, smtpPort: 0, host: '127.0.0.1' }, (line) =>
      lines.push(line),
    );
  });
  afterAll(async () => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Signs in with the staff account `intake start` printed; returns the session cookie. */
  async function signIn(): Promise<string> {
    const [, name, password] = /登录 sign in: +(\S+) \/ (\S+)/.exec(lines.join('\n')) ?? [];
    const response = await fetch(`${stack.httpUrl}/login`, {
      method: 'POST',
      body: new URLSearchParams({ name: name ?? '', password: password ?? '' }),
      redirect: 'manual',
    });
    return response.headers.get('set-cookie')?.split(';')[0] ?? '';
  }

  it('answers on its HTTP port with the Chinese dashboard and the JSON API, for the account it printed', async () => {
    // Act
    const anonymous = await fetch(`${stack.httpUrl}/api/status`);
    const cookie = await signIn();
    const page = await fetch(`${stack.httpUrl}/`, { headers: { cookie } });
    const api = await fetch(`${stack.httpUrl}/api/status`, { headers: { cookie } });

    // Assess
    expect(anonymous.status).toBe(401);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('电子材料报送（接收）情况');
    expect(api.status).toBe(200);
    expect(((await api.json()) as { bases: unknown[] }).bases).toHaveLength(30);
    expect(lines.join('\n')).toContain('npx intake ingest');
  });

  it('accepts an email over SMTP (nodemailer) and ingests it', async () => {
    // Prepare
    const form = await buildReportFormXlsx({ header: { baseName: '易淘电商信息产业园' }, values: SAMPLE_FORM_VALUES });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: stack.smtpPort,
      secure: false,
      ignoreTLS: true,
    });

    // Act
    const info = await transport.sendMail({
      from: '"易淘" <yitao@example.cn>',
      to: 'sxswtdsc@163.com',
      subject: '易淘电商信息产业园 综合评价申报材料',
      text: '请查收',
      attachments: [{ filename: '报告表.xlsx', content: form }],
    });
    const status = (await (
      await fetch(`${stack.httpUrl}/api/status?base=${encodeURIComponent('易淘')}`, {
        headers: { cookie: await signIn() },
      })
    ).json()) as {
      bases: { name: string }[];
    };

    // Assess
    expect(info.response).toMatch(/^250 .*queued as s-/);
    expect(status.bases).toHaveLength(1);
    expect(status.bases[0]).toMatchObject({ name: '易淘电商信息产业园', state: 'incomplete', submissions: 1 });
    expect(lines.some((line) => line.includes('p10'))).toBe(true);
  });
});
