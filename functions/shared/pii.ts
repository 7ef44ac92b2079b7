/**
 * Masking of personal data in log lines. The functions log keys, subjects, sender headers and error messages; those
 * carry the bases' contact people (phone numbers, e-mail addresses) and, in report forms, resident ID numbers. CloudWatch
 * keeps logs for months and more people read them than read the data, so what identifies a person is masked before a
 * line is written: enough stays to tell two values apart while debugging (the domain, the last digits), not to use them.
 */

/** What replaces a secret-looking field (password, token, authorization header) in full. */
export const REDACTED = '[REDACTED]';

// Letters and digits around a number mean it is part of an id or a hash (a SES message id, a sha256), not a phone.
const notAlnumBefore = '(?<![0-9A-Za-z])';
const notAlnumAfter = '(?![0-9A-Za-z])';

/** A mailbox address, local part and domain (ASCII; the mail the pipeline sees uses no internationalized addresses). */
const emailPattern =
  /([A-Za-z0-9!#$%&'*+/=?^_`{|}~-][A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;

/** A PRC resident ID number: 17 digits and a check digit or X. */
const residentIdPattern = new RegExp(`${notAlnumBefore}(\\d{6})\\d{8}(\\d{3}[\\dXx])${notAlnumAfter}`, 'g');

/** A mainland mobile number, optionally with +86 / 86 and separators between the 3-4-4 groups. */
const mobilePattern = new RegExp(
  `${notAlnumBefore}((?:\\+?86[ -]?)?1[3-9]\\d)[ -]?\\d{4}[ -]?(\\d{4})${notAlnumAfter}`,
  'g',
);

/** A landline: area code 0xx or 0xxx (bare, or in brackets), an optional separator, then 7 or 8 digits. */
const landlinePattern = new RegExp(`${notAlnumBefore}(\\(?0\\d{2,3}\\)?[ -]?)\\d{5,6}(\\d{2})${notAlnumAfter}`, 'g');

/** Field names whose whole value is a secret, whatever it looks like. */
const secretKeyPattern = /^(pass(word)?|secret|token|authorization|cookie|x-amz-security-token|credentials?)$/i;

/** Masks phone numbers, e-mail addresses and resident ID numbers in a text; everything else is left as it is. */
export function maskPii(text: string): string {
  return text
    .replace(emailPattern, (_, local: string, domain: string) => `${local.slice(0, 1)}***@${domain}`)
    .replace(residentIdPattern, (_, area: string, tail: string) => `${area}********${tail.slice(-1)}`)
    .replace(mobilePattern, (_, head: string, tail: string) => `${head}****${tail}`)
    .replace(landlinePattern, (_, area: string, tail: string) => `${area}*****${tail}`);
}

/** Tells whether a field name marks a secret whose whole value must not be logged. */
export function isSecretKey(key: string): boolean {
  return secretKeyPattern.test(key);
}

/**
 * A JSON.stringify replacer that masks every string value (and redacts secret fields); for the logger, which calls
 * it on each key and value of a log line, nested objects and error messages included.
 */
export function maskingReplacer(key: string, value: unknown): unknown {
  if (key && isSecretKey(key) && value !== undefined && value !== null) return REDACTED;
  return typeof value === 'string' ? maskPii(value) : value;
}
