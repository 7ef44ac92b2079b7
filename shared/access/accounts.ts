/**
 * Local accounts (`INTAKE_USERS`: `name:password:role[:city]`, passwords kept as scrypt hashes): read, hashed and
 * checked here, for the HTTP sign-in form and for the CLI that writes and reads the local accounts alike.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { type CityId, cityIdSchema } from '../domain/catalogue.ts';
import { IntakeError } from '../domain/errors.ts';
import { HashSlots } from './hash-slots.ts';

/** staff = the division (电商处); bureau = a city bureau (市商务局), limited to its city. */
export type Role = 'staff' | 'bureau';

/** A local account: name, role, city, and the scrypt hash of its password. */
export interface LocalAccount {
  name: string;
  role: Role;
  city: CityId | null;
  salt: Buffer;
  hash: Buffer;
}

/** `INTAKE_USERS` could not be read; names the entry (never the password). */
export class AccountSpecError extends IntakeError {
  constructor(message: string) {
    super('accounts.invalid-spec', 'input', message, `账户设置 INTAKE_USERS 有误（${message}）`);
    this.name = 'AccountSpecError';
  }
}

const KEY_BYTES = 32;
// scrypt's defaults (N=16384, r=8, p=1): ~50 ms per check, acceptable for a sign-in form, costly for guessing.
const SCRYPT_PREFIX = 'scrypt$';

/** Hashes a password as `scrypt$<salt>$<hash>` (base64url), the form `INTAKE_USERS` also accepts. */
export function hashPassword(password: string, salt: Buffer = randomBytes(16)): string {
  const hash = scryptSync(password.normalize('NFC'), salt, KEY_BYTES);
  return `${SCRYPT_PREFIX}${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/**
 * Reads accounts from `name:password:role[:city]` entries separated by commas or new lines. The password may be
 * given already hashed (`scrypt$...`, see hashPassword) so that no plain password sits in the environment.
 */
export function parseAccounts(spec: string | undefined): LocalAccount[] {
  if (!spec?.trim()) return [];
  const accounts: LocalAccount[] = [];
  for (const entry of spec
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [name, password, role, city, ...rest] = entry.split(':');
    if (!name || !password || rest.length > 0) {
      throw new AccountSpecError(`INTAKE_USERS: "${name ?? ''}" is not name:password:role[:city]`);
    }
    if (role !== 'staff' && role !== 'bureau') {
      throw new AccountSpecError(`INTAKE_USERS: role of ${name} must be staff or bureau`);
    }
    const cityId = city ? cityIdSchema.safeParse(city) : null;
    if (cityId && !cityId.success) throw new AccountSpecError(`INTAKE_USERS: unknown city "${city}" for ${name}`);
    if (role === 'bureau' && !cityId) throw new AccountSpecError(`INTAKE_USERS: bureau account ${name} needs a city`);
    if (accounts.some((a) => a.name === name)) throw new AccountSpecError(`INTAKE_USERS: ${name} appears twice`);
    if (!password.startsWith(SCRYPT_PREFIX)) {
      const problem = passwordProblem(password, name);
      if (problem) throw new AccountSpecError(`INTAKE_USERS: 账号 ${name} 的密码不符合要求：${problem}`);
    }
    const encoded = password.startsWith(SCRYPT_PREFIX) ? password : hashPassword(password);
    const [, salt, hash] = encoded.split('$');
    if (!salt || !hash) throw new AccountSpecError(`INTAKE_USERS: the scrypt hash of ${name} is malformed`);
    accounts.push({
      name,
      role,
      city: role === 'bureau' && cityId?.success ? cityId.data : null,
      salt: Buffer.from(salt, 'base64url'),
      hash: Buffer.from(hash, 'base64url'),
    });
  }
  return accounts;
}

/** Fewest characters of a local account's password. */
export const MIN_PASSWORD_LENGTH = 10;

// Passwords people pick first; refused whatever their length.
const COMMON = new Set([
  'password123',
  'password1234',
  'passw0rd123',
  'qwertyuiop',
  'qwerty12345',
  '1q2w3e4r5t',
  'abc1234567',
  'admin12345',
  'admin123456',
  'iloveyou123',
  'a123456789',
  'woaini1314',
]);

/**
 * Why a password is too weak for a local account (Chinese), or null: at least MIN_PASSWORD_LENGTH characters, of
 * at least two kinds (lower-case, upper-case, digits, other signs or Chinese characters), not a well-known one,
 * and not the account's name. A password given already hashed (`scrypt$...`) cannot be checked here: `intake
 * hash-password` is where it should be checked.
 */
export function passwordProblem(password: string, name = ''): string | null {
  const text = password.normalize('NFC');
  const length = [...text].length;
  if (length < MIN_PASSWORD_LENGTH) return `至少 ${MIN_PASSWORD_LENGTH} 个字符（现为 ${length} 个）`;
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((kind) => kind.test(text)).length;
  if (kinds < 2) return '须包含小写字母、大写字母、数字、符号或汉字中的至少两类';
  if (new Set(text).size < 4) return '重复字符过多';
  if (COMMON.has(text.toLowerCase())) return '是常见密码';
  if (name.length >= 3 && text.toLowerCase().includes(name.toLowerCase())) return '不得包含用户名';
  return null;
}

/**
 * Password checks running at once. scrypt runs on libuv's thread pool (4 threads by default), which file reads,
 * DNS and zlib share: 16 sign-ins at once would hold every thread, and staff pages would wait behind them. One
 * check at a time keeps three threads free; the others wait in line here (in JavaScript, costing nothing), and
 * past the queue's length a sign-in is refused as busy.
 */
export const passwordCheckSlots = new HashSlots(1, 64);

const DUMMY = { salt: randomBytes(16), hash: randomBytes(KEY_BYTES) };

/** The account whose name and password match, or null; an unknown name costs the same time as a wrong password. */
export async function checkPassword(
  accounts: readonly LocalAccount[],
  name: string,
  password: string,
): Promise<LocalAccount | null> {
  const account = accounts.find((a) => a.name === name);
  const target = account ?? DUMMY;
  const derived = await passwordCheckSlots.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize('NFC'), target.salt, target.hash.length || KEY_BYTES, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
  );
  return account && derived.length === account.hash.length && timingSafeEqual(derived, account.hash) ? account : null;
}
