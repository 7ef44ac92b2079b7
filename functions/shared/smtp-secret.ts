/**
 * The SMTP settings of a deployment that sends without SES (the China regions, a provider's own server) live in a
 * Secrets Manager secret, never in the function's environment. The secret holds either the connection URL the
 * SMTP mailer of shared/adapters takes (`smtps://user:pass@smtp.example.cn:465`) or, easier to type in the console,
 * JSON `{ "host", "port", "secure", "user", "pass" }`, which is turned into that URL here.
 */
import { z } from 'zod';

const smtpSettingsSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535).default(465),
  /** Implicit TLS (465); false for 587/25, where STARTTLS is then required. */
  secure: z.boolean().default(true),
  user: z.string().min(1),
  pass: z.string().min(1),
});

/** Reads the SMTP connection URL from the secret's value; throws naming bad fields, never echoing the password. */
export function smtpUrlFromSecret(secretString: string): string {
  const text = secretString.trim();
  if (/^smtps?:\/\//.test(text)) return text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      'the SMTP secret is neither an smtp(s):// URL nor JSON { "host", "port", "secure", "user", "pass" }',
    );
  }
  const parsed = smtpSettingsSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new Error(`the SMTP secret is missing or has invalid fields: ${fields}`);
  }
  const { host, port, secure, user, pass } = parsed.data;
  const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(pass)}`;
  // Without implicit TLS, STARTTLS is required: the password never crosses the network in clear.
  return secure ? `smtps://${credentials}@${host}:${port}` : `smtp://${credentials}@${host}:${port}?requireTLS=true`;
}
