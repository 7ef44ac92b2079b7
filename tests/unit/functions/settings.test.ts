import { describe, expect, it } from 'vitest';
import { scanCheckFromEnv, verdictOf } from '../../../shared/adapters/aws/malware-scan.ts';
import {
  imapConfigFromEnv,
  imapSettingsFromEnv,
  passwordFromSecret,
} from '../../../shared/adapters/imap/imap-settings.ts';
import {
  imapConfigFromEnv as localImapConfig,
  imapIntervalSeconds as localImapIntervalSeconds,
} from '../../../shared/composition/local-imap.ts';

describe('IMAP pickup settings (one set for the local stack and the function)', () => {
  const reader = (value: string) => ({ read: async () => value });
  const mailbox = { INTAKE_IMAP_HOST: 'imap.163.com', INTAKE_IMAP_USER: 'sxswtdsc@163.com' };
  /** The poller's config from `mailbox` and the password 'pw': the defaults written out. */
  const withDefaults = {
    host: 'imap.163.com',
    port: 993,
    secure: true,
    user: 'sxswtdsc@163.com',
    pass: 'pw',
    mailbox: 'INBOX',
    batchSize: 10,
  };

  it('reads the password from a plain secret or its JSON password field', () => {
    // Act / Assess
    expect(passwordFromSecret('pa55 word')).toBe('pa55 word');
    expect(passwordFromSecret('{"password":"from-json"}')).toBe('from-json');
    expect(passwordFromSecret('{"pass":"short-key"}')).toBe('short-key');
    expect(() => passwordFromSecret('{"user":"x"}')).toThrow(/password/);
  });

  it('builds the function settings from the environment, with the defaults, delivering into the inbox', async () => {
    // Act
    const config = await imapConfigFromEnv({ ...mailbox, INTAKE_IMAP_SECRET_ARN: 'arn:secret' }, reader('pw'));

    // Assess
    expect(config).toEqual({ ...withDefaults, deliverTo: 'inbox' });
  });

  it('gives the local stack the same settings and defaults from the same variables, ingesting in-process', () => {
    // Act
    const config = localImapConfig({ ...mailbox, INTAKE_IMAP_PASS: 'pw', INTAKE_IMAP_PROCESSED_MAILBOX: '已处理' });

    // Assess
    expect(config).toEqual({ ...withDefaults, processedMailbox: '已处理', deliverTo: 'intake' });
    expect(localImapIntervalSeconds({ ...mailbox, INTAKE_IMAP_PASS: 'pw' })).toBe(60);
    expect(localImapIntervalSeconds({ ...mailbox, INTAKE_IMAP_PASS: 'pw', INTAKE_IMAP_INTERVAL_SECONDS: '30' })).toBe(
      30,
    );
  });

  it('turns the pickup off without a host, and refuses the local stack a secret it cannot read', () => {
    // Act / Assess
    expect(imapSettingsFromEnv({ INTAKE_IMAP_USER: 'sxswtdsc@163.com' })).toBeNull();
    expect(localImapConfig({})).toBeNull();
    expect(() => localImapConfig({ ...mailbox, INTAKE_IMAP_SECRET_ARN: 'arn:secret' })).toThrow(/INTAKE_IMAP_PASS/);
  });

  it('names every setting that is missing or wrong', async () => {
    // Act / Assess
    expect(() => imapSettingsFromEnv({ INTAKE_IMAP_HOST: 'imap.163.com', INTAKE_IMAP_PORT: '99999' })).toThrow(
      /INTAKE_IMAP_PORT[\s\S]*INTAKE_IMAP_USER/,
    );
    expect(() => imapSettingsFromEnv(mailbox)).toThrow(/INTAKE_IMAP_PASS[\s\S]*INTAKE_IMAP_SECRET_ARN/);
    await expect(imapConfigFromEnv({ INTAKE_IMAP_USER: 'x' }, reader('pw'))).rejects.toThrow(/INTAKE_IMAP_HOST/);
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
