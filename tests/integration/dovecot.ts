/**
 * A real Dovecot IMAP server for integration tests: a minimal configuration in a temporary directory, listening on
 * a free loopback port, started in the foreground as a child process and stopped (directory removed) by `stop()`.
 * Needs the Debian packages dovecot-core and dovecot-imapd; runs as root or as an ordinary user.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where to log in: what an IMAP client needs for one test user. */
export interface DovecotLogin {
  host: string;
  port: number;
  secure: false;
  user: string;
  pass: string;
}

/** A running Dovecot. */
export interface DovecotServer {
  host: string;
  port: number;
  /** The temporary directory holding the configuration, the maildirs and the log. */
  dir: string;
  /** The login of one of the users the server was started with. */
  login(user: string): DovecotLogin;
  /** Dovecot's log so far (for failure messages). */
  log(): Promise<string>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** Options of `startDovecot`. */
export interface DovecotOptions {
  /** User names to create (all with the same password); default ['intake']. */
  users?: string[];
  /** The dovecot binary; default: found on PATH or in /usr/sbin. */
  binary?: string;
}

/** The password of every test user. */
export const DOVECOT_TEST_PASSWORD = 'intake-test-pass';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 3;

/** Finds the dovecot binary (PATH, then the sbin directories a non-root PATH may lack), or null. */
export function findDovecot(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, 'dovecot');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Starts Dovecot on a free loopback port and waits until it greets. */
export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  const binary = options.binary ?? findDovecot();
  if (!binary) throw new Error('dovecot not found (apt-get install dovecot-imapd)');
  const users = options.users ?? ['intake'];
  let lastError: unknown;
  // The free port is found before Dovecot binds it, so another process may take it in between: try again.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt += 1) {
    try {
      return await startOnce(binary, users);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(binary: string, users: string[]): Promise<DovecotServer> {
  const dir = await mkdtemp(join(tmpdir(), 'intake-dovecot-'));
  const identity = runIdentity();
  const port = await freePort();
  const mailDir = join(dir, 'mail');
  const homeDir = join(dir, 'home');
  const logFile = join(dir, 'dovecot.log');
  await mkdir(mailDir);
  await mkdir(homeDir);
  await mkdir(join(dir, 'run'));
  await mkdir(join(dir, 'state'));
  if (identity.root) {
    // Mail processes run as an unprivileged user (Dovecot refuses uid 0), which must reach its maildirs.
    await chmod(dir, 0o755);
    await chown(mailDir, identity.mailUid, identity.mailGid);
    await chown(homeDir, identity.mailUid, identity.mailGid);
  }
  await writeFile(
    join(dir, 'passwd'),
    users.map((user) => `${user}:{PLAIN}${DOVECOT_TEST_PASSWORD}::::::\n`).join(''),
    { mode: 0o644 },
  );
  const conf = join(dir, 'dovecot.conf');
  await writeFile(conf, dovecotConfig({ dir, port, logFile, identity }));

  const child = spawn(binary, ['-c', conf, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const readLog = async (): Promise<string> => {
    const file = await readFile(logFile, 'utf8').catch(() => '');
    return `${output.join('')}${file}`;
  };
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await terminate(child);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForGreeting(port, child);
  } catch (error) {
    const log = await readLog();
    await stop();
    throw new Error(`dovecot did not start: ${(error as Error).message}\n${log}`, { cause: error });
  }
  return {
    host: HOST,
    port,
    dir,
    login(user) {
      if (!users.includes(user)) throw new Error(`no test user ${user}`);
      return { host: HOST, port, secure: false, user, pass: DOVECOT_TEST_PASSWORD };
    },
    log: readLog,
    stop,
  };
}

/** Who the Dovecot processes run as. */
interface RunIdentity {
  root: boolean;
  internalUser: string;
  internalGroup: string;
  loginUser: string;
  mailUid: number;
  mailGid: number;
}

function runIdentity(): RunIdentity {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) {
    // As an ordinary user everything runs as that user (Dovecot's documented non-root mode).
    const me = userInfo().username;
    const gid = process.getgid?.() ?? uid;
    const group = groupName(gid) ?? me;
    return { root: false, internalUser: me, internalGroup: group, loginUser: me, mailUid: uid, mailGid: gid };
  }
  // As root: the users dovecot-core creates; login processes must not run as root, nor may mail processes.
  const internal = passwdEntry('dovecot') ?? passwdEntry('nobody');
  const login = passwdEntry('dovenull') ?? passwdEntry('nobody');
  if (!internal || !login) throw new Error('no dovecot, dovenull or nobody user to run Dovecot processes as');
  return {
    root: true,
    internalUser: internal.name,
    internalGroup: groupName(internal.gid) ?? internal.name,
    loginUser: login.name,
    mailUid: internal.uid,
    mailGid: internal.gid,
  };
}

function passwdEntry(name: string): { name: string; uid: number; gid: number } | null {
  const fields = readDatabase('/etc/passwd').find((parts) => parts[0] === name);
  if (!fields) return null;
  return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
}

function groupName(gid: number): string | null {
  return readDatabase('/etc/group').find((parts) => Number(parts[2]) === gid)?.[0] ?? null;
}

function readDatabase(path: string): string[][] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => line.split(':'));
  } catch {
    return [];
  }
}

function dovecotConfig(input: { dir: string; port: number; logFile: string; identity: RunIdentity }): string {
  const { dir, port, logFile, identity } = input;
  return `# Written by tests/integration/dovecot.ts
protocols = imap
listen = ${HOST}
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
instance_name = intake-test-${port}
log_path = ${logFile}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A test of a wrong password should not wait the default 2 s.
auth_failure_delay = 0
default_internal_user = ${identity.internalUser}
default_internal_group = ${identity.internalGroup}
default_login_user = ${identity.loginUser}
first_valid_uid = ${identity.mailUid}
first_valid_gid = 0
mail_location = maildir:${join(dir, 'mail')}/%u
passdb {
  driver = passwd-file
  args = ${join(dir, 'passwd')}
}
userdb {
  driver = static
  args = uid=${identity.mailUid} gid=${identity.mailGid} home=${join(dir, 'home')}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = ${HOST}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
# No growing delay after failed logins (a test logs in with a wrong password on purpose).
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server sends its `* OK` greeting; rejects when Dovecot exits or the time runs out. */
async function waitForGreeting(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `dovecot exited (${signal ?? code})`;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    if (await greets(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no IMAP greeting on ${HOST}:${port} within ${START_TIMEOUT_MS} ms`);
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('* OK')));
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
