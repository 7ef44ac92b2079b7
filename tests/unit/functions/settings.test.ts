import { describe, expect, it } from 'vitest';
import { scanCheckFromEnv, verdictOf } from '../../../shared/adapters/aws/malware-scan.ts';
import { imapConfigFromEnv, passwordFromSecret } from '../../../shared/adapters/imap/imap-settings.ts';

describe('imap-pickup settings', () => {
  const reader = (value: string) => ({ read: async () => value });

  it('reads the password from a plain secret or its JSON password field', () => {
    // Act / Assess
    expect(passwordFromSecret('pa55 word')).toBe('pa55 word');
    expect(passwordFromSecret('{"password":"from-json"}')).toBe('from-json');
    expect(passwordFromSecret('{"pass":"short-key"}')).toBe('short-key');
    expect(() => passwordFromSecret('{"user":"x"}')).toThrow(/password/);
  });

  it('builds the poller settings from the environment, with IMAP defaults', async () => {
    // Act
    const config = await imapConfigFromEnv(
      { IMAP_HOST: 'imap.163.com', IMAP_USER: 'sxswtdsc@163.com', IMAP_SECRET_ARN: 'arn:secret' },
      reader('pw'),
    );

    // Assess
    expect(config).toEqual({
      host: 'imap.163.com',
      port: 993,
      secure: true,
      user: 'sxswtdsc@163.com',
      pass: 'pw',
      mailbox: 'INBOX',
      batchSize: 10,
      deliverTo: 'inbox',
    });
  });

  it('names every missing setting', async () => {
    // Act / Assess
    await expect(imapConfigFromEnv({ IMAP_PORT: '993' }, reader('pw'))).rejects.toThrow(
      /IMAP_HOST[\s\S]*IMAP_USER[\s\S]*IMAP_SECRET_ARN/,
    );
  });
});

describe('malware scan verdicts', () => {
  it.each([
    ['NO_THREATS_FOUND', { state: 'clean' }],
    ['UNSUPPORTED', { state: 'unscannable' }],
    ['THREATS_FOUND', { state: 'infected' }],
    ['ACCESS_DENIED', { state: 'pending', status: 'ACCESS_DENIED' }],
    ['FAILED', { state: 'pending', status: 'FAILED' }],
    [null, { state: 'pending', status: null }],
  ])('reads %s as %j', (status, verdict) => {
    // Act / Assess
    expect(verdictOf(status)).toEqual(verdict);
  });

  it('gates intake only where the deployment asks for it', () => {
    // Act / Assess
    expect(scanCheckFromEnv({})).toBeNull();
    expect(scanCheckFromEnv({ MALWARE_SCAN: 'required', BUCKET_NAME: 'intake' })).not.toBeNull();
    expect(() => scanCheckFromEnv({ MALWARE_SCAN: 'required' })).toThrow(/BUCKET_NAME/);
  });
});
