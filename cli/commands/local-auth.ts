/**
 * Sign-in for the local stack: the secret that signs sessions and links, and the accounts.
 *
 * - Secret: `INTAKE_SESSION_SECRET`, else `<data dir>/session-secret`, generated on first start (mode 600), so that
 *   sessions and city links survive a restart and `intake city-link` signs links the running stack accepts.
 * - Accounts: `INTAKE_USERS` (`name:password:role[:city]`, comma-separated); when it is not set, one staff account
 *   whose password is generated once into `<data dir>/local-account.json` and printed by `intake start`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocalAccount, parseAccounts, passwordProblem } from '../../shared/access/accounts.ts';
import { newSecret } from '../../shared/access/signing.ts';

/** The local stack's signing secret and accounts; `generated` is the default account when one was made up. */
export interface LocalAuth {
  secret: string;
  accounts: LocalAccount[];
  generated: { name: string; password: string } | null;
}

/** Reads (or on first use creates) the secret and the accounts of a data directory. */
export async function localAuth(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<LocalAuth> {
  const secret = await localSecret(dataDir, env);
  if (env.INTAKE_USERS?.trim()) return { secret, accounts: parseAccounts(env.INTAKE_USERS), generated: null };
  const file = join(dataDir, 'local-account.json');
  const stored = JSON.parse(
    await readOrCreate(file, () => JSON.stringify({ name: 'staff', password: generatedPassword() }, null, 2)),
  ) as { name: string; password: string };
  return { secret, accounts: parseAccounts(`${stored.name}:${stored.password}:staff`), generated: stored };
}

/** A random password that meets the local password policy (a draw of one character class only is drawn again). */
function generatedPassword(): string {
  for (;;) {
    const password = randomBytes(9).toString('base64url');
    if (passwordProblem(password, 'staff') === null) return password;
  }
}

/** The secret that signs sessions and links of a data directory's stack (created on first use). */
export async function localSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.INTAKE_SESSION_SECRET) return env.INTAKE_SESSION_SECRET;
  await mkdir(dataDir, { recursive: true });
  return readOrCreate(join(dataDir, 'session-secret'), newSecret);
}

async function readOrCreate(file: string, make: () => string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const value = make();
    // wx: two processes starting at once must not overwrite each other's secret.
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' }).catch(
      async (writeError: NodeJS.ErrnoException) => {
        if (writeError.code !== 'EEXIST') throw writeError;
      },
    );
    return (await readFile(file, 'utf8')).trim();
  }
}
