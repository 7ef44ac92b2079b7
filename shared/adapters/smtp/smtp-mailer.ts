/**
 * Mailer over SMTP (nodemailer), for places without SES (the AWS China regions) or a department's own mail server.
 * The message is composed by nodemailer exactly as SesMailer composes it (same MailComposer), so a notice looks the
 * same whichever transport carries it.
 */
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { IntakeError } from '../../domain/errors.ts';
import type { Mailer, OutgoingMail } from '../../ports/index.ts';
import { nodemailerMessage } from '../mail-message.ts';

/** What an SmtpMailer is built on: a connection URL (`smtps://user:pass@host:465`), options, or a transport. */
export type SmtpTarget = string | SMTPTransport.Options | Transporter<SMTPTransport.SentMessageInfo>;

/** The SMTP implementation of Mailer. */
export class SmtpMailer implements Mailer {
  /** The transport, made with the first message (nodemailer loads then, not with every function that may send). */
  private transport: Transporter<SMTPTransport.SentMessageInfo> | undefined;
  private readonly options: SMTPTransport.Options | undefined;

  constructor(target: SmtpTarget) {
    if (typeof target === 'string' || !('sendMail' in target)) this.options = withTimeouts(target);
    else this.transport = target;
  }

  private async connection(): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
    if (!this.transport) {
      const { default: nodemailer } = await import('nodemailer');
      this.transport ??= nodemailer.createTransport(this.options);
    }
    return this.transport;
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const info = await (await this.connection()).sendMail(nodemailerMessage(mail));
    // A server that accepts some recipients and refuses others has not delivered the notice to the bureau.
    if (info.rejected.length > 0) {
      throw new SmtpRejectedError(info.rejected.map(String), info.response);
    }
    return { messageId: info.messageId };
  }

  /** Closes pooled connections (none unless the URL or options ask for a pool). */
  close(): void {
    this.transport?.close();
  }
}

/** The SMTP server refused some recipients. */
export class SmtpRejectedError extends IntakeError {
  constructor(
    readonly rejected: string[],
    readonly response: string,
  ) {
    super(
      'smtp.rejected',
      'failure',
      `SMTP server refused ${rejected.join(', ')}: ${response}`,
      `邮件服务器拒收：${rejected.join('、')}（${response}）`,
    );
    this.name = 'SmtpRejectedError';
  }
}

/** Builds the mailer a composition root asked for by environment: SES by default, SMTP with INTAKE_MAILER=smtp. */
export function mailerFromEnv(env: { INTAKE_MAILER?: string; INTAKE_SMTP_URL?: string }, ses: () => Mailer): Mailer {
  const kind = env.INTAKE_MAILER ?? 'ses';
  if (kind === 'ses') return ses();
  if (kind !== 'smtp') throw new Error(`INTAKE_MAILER must be "ses" or "smtp", not "${kind}"`);
  if (!env.INTAKE_SMTP_URL)
    throw new Error('INTAKE_MAILER=smtp needs INTAKE_SMTP_URL, e.g. smtps://user:pass@host:465');
  return new SmtpMailer(env.INTAKE_SMTP_URL);
}

function withTimeouts(target: string | SMTPTransport.Options): SMTPTransport.Options {
  // A hung server must fail the attempt (it is retried with backoff), not the whole run; the URL's own query
  // parameters (e.g. ?socketTimeout=...) still win over these.
  const timeouts = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 };
  return typeof target === 'string' ? { ...timeouts, url: target } : { ...timeouts, ...target };
}
