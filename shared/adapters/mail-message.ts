/**
 * One mapping from the Mailer port's message to nodemailer's message fields, used by every transport (SES sends the
 * composed MIME, SMTP hands the fields to nodemailer), so a notice reads the same whichever carries it.
 */
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { OutgoingMail } from '../ports/index.ts';

/** The nodemailer message fields of an outgoing mail. */
export function nodemailerMessage(mail: OutgoingMail): Mail.Options {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
    attachments: mail.attachments?.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
    })),
  };
}

/**
 * Builds the MIME bytes of a message (UTF-8, base64 where needed) with nodemailer's composer, loaded with the first
 * message (~0.2 MB: a function that sends nothing in a run does not load it).
 */
export async function composeMime(mail: OutgoingMail): Promise<Buffer> {
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  return new MailComposer(nodemailerMessage(mail)).compile().build();
}
