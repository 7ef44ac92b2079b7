/**
 * The SMTP transport against a real SMTP server on loopback (smtp-server, started in the test): authentication,
 * the Chinese subject, both parts, the .xlsx attachment and our headers arrive intact; a refused recipient is an
 * error (so the notice is recorded failed and retried), and the composition roots pick SMTP by environment.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SesMailer } from '../../shared/adapters/aws/ses-mailer.ts';
import { mailerFromEnv, SmtpMailer } from '../../shared/adapters/smtp/smtp-mailer.ts';

interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  raw: Buffer;
}

describe('SmtpMailer', () => {
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'intake' && auth.password === 's3cret') callback(null, { user: auth.username });
        else callback(new Error('535 authentication failed'));
      },
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith('@nowhere.example.cn')) callback(new Error('550 no such user'));
        else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers a digest with both parts, the attachment and our headers, after logging in', async () => {
    // Prepare
    const mailer = new SmtpMailer(`smtp://intake:s3cret@127.0.0.1:${port}`);
    const xlsx = Buffer.from('PK\u0003\u0004 not really a workbook');

    // Act
    const { messageId } = await mailer.send({
      from: 'notices@example.gov.cn',
      to: ['taiyuan@bureau.example.cn', 'backup@bureau.example.cn'],
      subject: '【山西省2022—2023年度省级直播电商基地综合评价】太原市参评基地电子材料报送（接收）情况',
      text: '太原市商务局：\n缺少证明材料：网络带宽',
      html: '<p>太原市商务局：</p><table><tr><th>缺少证明材料</th><td>网络带宽</td></tr></table>',
      attachments: [
        {
          filename: '太原市参评基地电子材料报送情况_20231103.xlsx',
          content: xlsx,
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
      ],
      headers: {
        'Auto-Submitted': 'auto-generated',
        'Message-ID': '<notice-abc@example.gov.cn>',
      },
    });
    mailer.close();

    // Assess
    expect(messageId).toBe('<notice-abc@example.gov.cn>');
    const delivery = received.at(-1)!;
    expect(delivery).toMatchObject({
      from: 'notices@example.gov.cn',
      to: ['taiyuan@bureau.example.cn', 'backup@bureau.example.cn'],
      user: 'intake',
    });
    const parsed = await simpleParser(delivery.raw);
    expect(parsed.subject).toBe(
      '【山西省2022—2023年度省级直播电商基地综合评价】太原市参评基地电子材料报送（接收）情况',
    );
    expect(parsed.text?.trim()).toBe('太原市商务局：\n缺少证明材料：网络带宽');
    expect(parsed.html).toContain('<th>缺少证明材料</th><td>网络带宽</td>');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.messageId).toBe('<notice-abc@example.gov.cn>');
    expect(parsed.attachments.map((a) => [a.filename, a.content.equals(xlsx)])).toEqual([
      ['太原市参评基地电子材料报送情况_20231103.xlsx', true],
    ]);
  });

  it('fails the send when the server refuses a recipient or the login', async () => {
    // Prepare
    const mailer = new SmtpMailer({ host: '127.0.0.1', port, secure: false, auth: { user: 'intake', pass: 's3cret' } });
    const badLogin = new SmtpMailer(`smtp://intake:wrong@127.0.0.1:${port}`);
    const mail = { from: 'notices@example.gov.cn', subject: 's', text: 't' };

    // Act
    const refused = await mailer.send({ ...mail, to: ['gone@nowhere.example.cn'] }).catch((e: Error) => e);
    const partly = await mailer
      .send({ ...mail, to: ['ok@bureau.example.cn', 'gone@nowhere.example.cn'] })
      .catch((e: Error) => e);
    const unauthorised = await badLogin.send({ ...mail, to: ['ok@bureau.example.cn'] }).catch((e: Error) => e);
    mailer.close();
    badLogin.close();

    // Assess
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).toContain('550');
    expect(partly).toBeInstanceOf(Error);
    expect(String(partly)).toContain('gone@nowhere.example.cn');
    expect(unauthorised).toBeInstanceOf(Error);
  });

  it('is chosen by INTAKE_MAILER=smtp, SES otherwise', () => {
    // Prepare
    const ses = new SesMailer();

    // Act
    const chosen = mailerFromEnv({ INTAKE_MAILER: 'smtp', INTAKE_SMTP_URL: `smtp://127.0.0.1:${port}` }, () => ses);
    const fallback = mailerFromEnv({}, () => ses);

    // Assess
    expect(chosen).toBeInstanceOf(SmtpMailer);
    expect(fallback).toBe(ses);
    expect(() => mailerFromEnv({ INTAKE_MAILER: 'smtp' }, () => ses)).toThrow('INTAKE_SMTP_URL');
    expect(() => mailerFromEnv({ INTAKE_MAILER: 'pigeon' }, () => ses)).toThrow('"ses" or "smtp"');
  });
});
